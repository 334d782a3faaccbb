import ArgumentParser
import DriftEngine
import DriftRules
import Foundation

/// `driftd replay RULES --report OUT.json`: runs the engine over whole files.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a rule file over whole JSONL files and write the report.",
        discussion: """
            Exits 0 whether or not drift was found (3 with --fail-on-drift when a data, prediction or concept drift \
            alert fired), 1 for invalid rules, unreadable input, or alerts that journald or a webhook did not take.
            """
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

    @Option(help: "Also write the report as one self-contained HTML page ('-' for standard output).")
    var html: String?

    @Option(help: "The HTML page shows this many of the latest windows (default: all).")
    var htmlWindows: Int?

    @Flag(help: "Print no summary.")
    var quiet = false

    @Flag(help: "Exit 3 when a data_drift, prediction_drift or concept_drift alert fired (a CI gate).")
    var failOnDrift = false

    @Flag(help: "Write every alert to journald, as the daemon does.")
    var alertsToJournald = false

    @Option(help: "Post every alert to this URL (repeatable); see --webhook-format.")
    var webhook: [String] = []

    @Option(help: "Body format of --webhook: generic, alertmanager or slack.")
    var webhookFormat: String = "generic"

    @Option(help: "File holding the secret that signs --webhook bodies (X-Driftd-Signature).")
    var webhookSecretFile: String?

    @Option(help: "Timeout of one --webhook request (e.g. 10s).")
    var webhookTimeout: String = "10s"

    func run() async throws {
        guard let format = MonitorRule.Webhook.Format(rawValue: webhookFormat) else {
            printError("driftd: error: --webhook-format: expected generic, alertmanager or slack, got \(webhookFormat)")
            throw ExitCode(1)
        }
        guard let timeout = DurationParser.seconds(webhookTimeout) else {
            printError("driftd: error: --webhook-timeout: not a duration: \(webhookTimeout) (e.g. 10s)")
            throw ExitCode(1)
        }
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
        if let html {
            let page = HTMLReport.render(result, windowLimit: htmlWindows, generatedAt: Timestamp.format(Date().timeIntervalSince1970),
                                         source: "driftd replay \((rules as NSString).lastPathComponent)")
            try writeReport(page, to: html)
        }
        if !quiet {
            let summary = ReplaySummary(report: result, reportPath: report).text
            if report == "-" { printError(summary) } else { print(summary) }
        }
        let sinks = ReplayAlerts(toJournald: alertsToJournald, webhooks: webhook, format: format, secretFile: webhookSecretFile, timeout: timeout)
        let problems = await sinks.send(result)
        for problem in problems { printError("driftd: error: \(problem)") }
        guard problems.isEmpty else { throw ExitCode(1) }
        if failOnDrift, result.alerts.contains(where: { ReplayAlerts.driftKinds.contains($0.kind) }) {
            throw ExitCode(3)
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
