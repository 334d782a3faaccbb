import ArgumentParser
import DriftDaemon
import DriftEngine
import Foundation

/// `driftd report --monitor M --json OUT.json [--html OUT.html]`: what the daemon stored, in the report
/// format of §4, and as an HTML page.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the daemon's stored results for a monitor as a JSON report (the format of replay) or an HTML page."
    )

    @Option(help: "The monitor's name.")
    var monitor: String

    @Option(help: "The state folder (default: $STATE_DIRECTORY, or /var/lib/driftd).")
    var state: String?

    @Option(help: "Where to write the JSON report ('-' for standard output).")
    var json: String?

    @Option(help: "Where to write the report as one self-contained HTML page ('-' for standard output).")
    var html: String?

    @Option(help: "The HTML page shows this many of the latest windows.")
    var windows = 20

    func validate() throws {
        guard json != nil || html != nil else { throw ValidationError("give --json OUT.json, --html OUT.html, or both") }
        guard windows >= 1 else { throw ValidationError("--windows must be at least 1") }
    }

    func run() throws {
        do {
            if let json {
                let report = try StoredReport.make(monitor: monitor, stateFolder: stateFolder(state))
                try writeReport(report.json.serialized(pretty: true) + "\n", to: json)
            }
            if let html {
                try writeReport(try StoredReport.html(monitor: monitor, stateFolder: stateFolder(state), windowLimit: windows), to: html)
            }
        } catch let error as DaemonError {
            printError("driftd: error: \(error.description)")
            throw ExitCode(1)
        }
    }
}
