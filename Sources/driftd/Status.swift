import ArgumentParser
import DriftDaemon
import Foundation

/// `driftd status`: the running daemon's /status, for a person.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show what the running daemon is doing (its /status).")

    @Option(help: "The daemon's --listen address.")
    var listen = "127.0.0.1:9464"

    @Flag(help: "Print the JSON of /status.")
    var json = false

    func run() async throws {
        do {
            let status = try await StatusClient.fetch(listen: try ListenAddress(parsing: listen))
            if json {
                print(String(decoding: try DaemonStatus.makeEncoder().encode(status), as: UTF8.self))
            } else {
                print(status.humanSummary)
            }
        } catch {
            printError("driftd: error: \(error)")
            throw ExitCode(1)
        }
    }
}
