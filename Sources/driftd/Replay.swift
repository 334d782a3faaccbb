import ArgumentParser
import DriftEngine
import DriftRules
import Foundation

/// `driftd replay RULES --report OUT.json`: runs the engine over whole files.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a rule file over whole JSONL files and write the report.",
        discussion: "Exits 0 whether or not drift was found, 1 for invalid rules or unreadable input."
    )

    @Argument(help: "The rule file.")
    var rules: String

    @Option(help: "Where to write the JSON report ('-' for standard output).")
    var report: String

    @Option(help: "Prediction file or glob, instead of the rule file's.")
    var predictions: String?

    @Option(help: "Label file or glob, instead of the rule file's.")
    var labels: String?

    @Option(help: "Reference file or glob, instead of the rule file's.")
    var reference: String?

    @Flag(help: "Print no summary.")
    var quiet = false

    func run() throws {
        let rule: MonitorRule
        switch RuleLoader.load(path: rules) {
        case .success(let loaded): rule = loaded
        case .failure(let list):
            for diagnostic in list.diagnostics { printError(diagnostic.description) }
            throw ExitCode(1)
        }
        let result: Report
        do {
            result = try DriftEngine.Replay.run(rule: rule, overrides: .init(predictions: predictions, labels: labels, reference: reference))
        } catch {
            printError("driftd: error: \(error.description)")
            throw ExitCode(1)
        }
        let text = result.json.serialized(pretty: true) + "\n"
        try writeReport(text, to: report)
        if !quiet {
            let summary = ReplaySummary(report: result, reportPath: report).text
            if report == "-" { printError(summary) } else { print(summary) }
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
