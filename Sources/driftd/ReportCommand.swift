import ArgumentParser
import DriftDaemon
import DriftEngine
import Foundation

/// `driftd report --monitor M --json OUT.json`: what the daemon stored, in the report format of §4.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the daemon's stored results for a monitor as a JSON report (the format of replay)."
    )

    @Option(help: "The monitor's name.")
    var monitor: String

    @Option(help: "The state folder (default: $STATE_DIRECTORY, or /var/lib/driftd).")
    var state: String?

    @Option(help: "Where to write the JSON report ('-' for standard output).")
    var json: String

    func run() throws {
        let report: DriftEngine.Report
        do {
            report = try StoredReport.make(monitor: monitor, stateFolder: stateFolder(state))
        } catch {
            printError("driftd: error: \(error.description)")
            throw ExitCode(1)
        }
        let text = report.json.serialized(pretty: true) + "\n"
        try writeReport(text, to: json)
    }
}
