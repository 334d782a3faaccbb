import ArgumentParser
import DriftDaemon
import Foundation
import Logging
import ServiceLifecycle

/// `driftd run`: the daemon (CONTRACT.md §3).
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow every monitor's prediction and label logs and evaluate windows as they complete.",
        discussion: """
            Reads every *.json rule file directly in the rules folder. SIGHUP re-reads them (an invalid file refuses \
            the whole reload and the old rules stay); SIGTERM stops after committing state. State lives in one \
            SQLite database in the state folder.
            """
    )

    @Option(help: "The folder of rule files.")
    var rules = "/etc/driftd/rules.d"

    @Option(help: "The state folder (default: $STATE_DIRECTORY, or /var/lib/driftd).")
    var state: String?

    @Option(help: "Where to serve /metrics, /healthz and /status (HOST:PORT, loopback unless --allow-non-loopback).")
    var listen = "127.0.0.1:9464"

    @Flag(help: "Allow --listen on an address that is not loopback.")
    var allowNonLoopback = false

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "driftd")
        logger.logLevel = .info
        let stateFolder = state ?? ProcessInfo.processInfo.environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init)
            ?? "/var/lib/driftd"
        let ingest: IngestService
        do {
            ingest = try IngestService(configuration: .init(rulesFolder: rules, stateFolder: stateFolder), logger: logger)
        } catch {
            printError("driftd: error: \(error.description)")
            throw ExitCode(1)
        }
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { ingest.requestReload() }
        hangup.resume()
        let group = ServiceGroup(services: [ingest], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        try await group.run()
    }
}
