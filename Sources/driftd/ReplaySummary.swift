import DriftEngine

/// The few lines a person reads after `replay`: what drifted where, and where the report is.
struct ReplaySummary {
    let report: Report
    let reportPath: String

    var text: String {
        let counts = report.counts
        var lines: [String] = []
        lines.append("\(report.rule.monitor): \(report.windows.count) windows over \(counts.records) records "
                     + "(reference \(counts.referenceRecords)), \(counts.labels) labels, \(counts.malformedLines) malformed lines")
        for line in report.malformed.prefix(5) {
            lines.append("  malformed \(line.file):\(line.line): \(line.reason)")
        }
        if counts.malformedLines > 5 { lines.append("  ... and \(counts.malformedLines - 5) more malformed lines (see the report)") }
        for window in report.windows where !window.alerts.isEmpty {
            let range = "records \(window.firstRecord)-\(window.firstRecord + window.count - 1)"
            lines.append("  window \(window.index) (\(range)):")
            for alert in window.alerts {
                lines.append("    [\(alert.severity.rawValue)] \(alert.kind.rawValue): \(alert.message)")
            }
        }
        if !report.detections.isEmpty {
            let byDetector = Dictionary(grouping: report.detections) { detection in
                detection.name.map { "\(detection.detector) '\($0)'" } ?? detection.detector
            }
            for (detector, found) in byDetector.sorted(by: { $0.key < $1.key }) {
                let records = found.prefix(8).map { String($0.record) }.joined(separator: ", ")
                lines.append("  concept drift: \(detector) fired \(found.count) times, at records \(records)\(found.count > 8 ? ", ..." : "")")
            }
        }
        let byKind = Dictionary(grouping: report.alerts, by: \.kind.rawValue).map { "\($0.key) \($0.value.count)" }.sorted()
        lines.append(report.alerts.isEmpty ? "  no drift found" : "  \(report.alerts.count) alerts: \(byKind.joined(separator: ", "))")
        if reportPath != "-" { lines.append("  report: \(reportPath)") }
        return lines.joined(separator: "\n")
    }
}
