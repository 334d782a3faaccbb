import DriftRules

/// One self-contained HTML page for a monitor's report (`replay --html`, `report --html`, the
/// daemon's `/report/M`): no script, no external asset, readable offline.
///
/// A summary (counts, alerts by kind), a timeline per performance metric and per drift test (value
/// per window, threshold dashed, breaching windows red, alerts, concept-drift detections and retrain
/// episodes as vertical markers), each feature's reference-vs-last-window histogram, data quality per
/// window, and the list of alerts.
public enum HTMLReport {
    /// A retrain episode (or any other event) to mark on the timelines at its window.
    public struct Event: Sendable {
        public var window: Int
        public var label: String
        public init(window: Int, label: String) {
            self.window = window
            self.label = label
        }
    }

    /// The page for `report`: its last `windowLimit` windows (all when nil). `extraAlerts` are alerts the
    /// report does not hold (the daemon's retrain and ingest alerts); `events` are marked on the timelines.
    public static func render(_ report: Report, windowLimit: Int? = nil, extraAlerts: [Alert] = [], events: [Event] = [],
                              generatedAt: String, source: String) -> String {
        let rule = report.rule
        let windows = windowLimit.map { Array(report.windows.suffix(max(1, $0))) } ?? report.windows
        let range = (windows.first?.index ?? 0)...max(windows.first?.index ?? 0, windows.last?.index ?? 0)
        let alerts = report.alerts + extraAlerts
        var markers = events.map { SVGChart.Marker(window: $0.window, label: $0.label, color: "#7048e8") }
        for detection in report.detections {
            if let window = report.windows.first(where: { $0.firstRecord <= detection.record && detection.record < $0.firstRecord + $0.count }) {
                markers.append(.init(window: window.index, label: "concept drift: \(detection.name ?? detection.detector) at record \(detection.record)", color: "#f08c00"))
            }
        }
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>driftd report: \(e(rule.monitor))</title>
            <style>\(style)</style></head><body>
            <header><h1>driftd: <span id="monitor">\(e(rule.monitor))</span></h1>
            """
        if let description = rule.description { html += "<p>\(e(description))</p>" }
        html += "<p class=\"meta\">\(e(rule.task.rawValue)) · \(source) · generated \(e(generatedAt)) · windows \(range.lowerBound)–\(range.upperBound) shown of \(report.windows.count) · reference \(report.referenceCount) records</p></header>\n"
        html += summary(report, alerts: alerts)
        html += performance(rule, windows, range: range, markers: markers)
        html += drift(rule, windows, report.profiles, range: range, markers: markers)
        html += quality(windows)
        html += alertList(alerts, range: range, events: events)
        return html + "<footer>driftd · this page needs no network: every picture is inline SVG</footer></body></html>\n"
    }

    private static func e(_ text: String) -> String { HTMLText.escape(text) }

    private static func summary(_ report: Report, alerts: [Alert]) -> String {
        let counts = report.counts
        var html = "<section id=\"summary\"><h2>Summary</h2><table class=\"counts\"><tr>"
        for (name, value) in [("records", counts.records), ("labels", counts.labels), ("malformed lines", counts.malformedLines),
                              ("unmatched labels", counts.unmatchedLabels), ("duplicate labels", counts.duplicateLabels),
                              ("late records", counts.lateRecords), ("windows", report.windows.count), ("alerts", alerts.count)] {
            html += "<td><b>\(value)</b><br>\(name)</td>"
        }
        html += "</tr></table>"
        var byKind: [String: Int] = [:]
        for alert in alerts { byKind[alert.kind.rawValue, default: 0] += 1 }
        if !byKind.isEmpty {
            html += "<p class=\"kinds\">" + byKind.sorted { $0.key < $1.key }.map { "<span class=\"kind\">\(e($0.key)) \($0.value)</span>" }.joined(separator: " ") + "</p>"
        }
        return html + "</section>\n"
    }

    private static func performance(_ rule: MonitorRule, _ windows: [WindowResult], range: ClosedRange<Int>, markers: [SVGChart.Marker]) -> String {
        guard !rule.performance.isEmpty else { return "" }
        var html = "<section id=\"performance\"><h2>Performance</h2>"
        for (position, check) in rule.performance.enumerated() {
            let points = windows.map { window -> SVGChart.Point in
                let value = window.performance.flatMap { $0.values.indices.contains(position) ? $0.values[position].value : nil }
                let breached = value.map { value in
                    (check.min.map { value < $0 } ?? false) || (check.max.map { value > $0 } ?? false)
                } ?? false
                return SVGChart.Point(window: window.index, value: value, breached: breached)
            }
            var bounds: [(Double, String)] = []
            if let min = check.min { bounds.append((min, "min \(AlertRaiser.format(min))")) }
            if let max = check.max { bounds.append((max, "max \(AlertRaiser.format(max))")) }
            let boundText = bounds.map(\.1).joined(separator: ", ")
            html += "<figure><figcaption>\(e(check.metric.rawValue))\(boundText.isEmpty ? "" : " (\(e(boundText)))")</figcaption>"
            html += SVGChart.timeline(points, bounds: bounds, markers: markers, windows: range,
                                      attributes: "class=\"timeline performance\" data-metric=\"\(e(check.metric.rawValue))\"")
            html += "</figure>"
        }
        return html + "</section>\n"
    }

    private static func drift(_ rule: MonitorRule, _ windows: [WindowResult], _ profiles: [FeatureProfile], range: ClosedRange<Int>,
                              markers: [SVGChart.Marker]) -> String {
        var html = "<section id=\"drift\"><h2>Data drift</h2>"
        for (position, feature) in rule.features.enumerated() {
            html += "<article class=\"feature\" data-feature=\"\(e(feature.name))\"><h3>\(e(feature.name)) <small>\(e(feature.type.rawValue))</small></h3>"
            for (index, test) in feature.drift.enumerated() {
                let outcomes = windows.map { window in
                    (window.index, window.features.indices.contains(position) && window.features[position].outcomes.indices.contains(index)
                        ? window.features[position].outcomes[index] : nil)
                }
                html += testChart(name: test.method.rawValue, outcomes: outcomes, range: range, markers: markers,
                                  attributes: "class=\"timeline drift\" data-feature=\"\(e(feature.name))\" data-method=\"\(e(test.method.rawValue))\"")
            }
            if let profile = profiles.first(where: { $0.name == feature.name }) {
                html += "<figure><figcaption>distribution: reference (grey) and window \(profile.window) (blue)</figcaption>"
                html += SVGChart.histogram(profile, attributes: "class=\"histogram\" data-feature=\"\(e(feature.name))\"") + "</figure>"
            }
            html += "</article>"
        }
        if !rule.predictionDrift.isEmpty {
            html += "<article class=\"feature\" data-feature=\"prediction\"><h3>prediction drift</h3>"
            for (index, test) in rule.predictionDrift.enumerated() {
                let outcomes = windows.map { ($0.index, $0.prediction.indices.contains(index) ? $0.prediction[index].outcome : nil) }
                html += testChart(name: "\(test.field.rawValue) \(test.test.method.rawValue)", outcomes: outcomes, range: range, markers: markers,
                                  attributes: "class=\"timeline prediction\" data-method=\"\(e(test.test.method.rawValue))\"")
            }
            html += "</article>"
        }
        return html + "</section>\n"
    }

    private static func testChart(name: String, outcomes: [(Int, DriftOutcome?)], range: ClosedRange<Int>, markers: [SVGChart.Marker],
                                  attributes: String) -> String {
        let points = outcomes.map { SVGChart.Point(window: $0.0, value: $0.1?.comparedValue, breached: $0.1?.drift ?? false) }
        let threshold = outcomes.compactMap(\.1).last?.threshold
        let isPValue = outcomes.compactMap(\.1).last.map { $0.method.isPValueTest && $0.calibration == nil } ?? false
        let caption = "\(name)\(isPValue ? " p-value (drift below the line)" : " (drift above the line)")"
        return "<figure><figcaption>\(e(caption))</figcaption>"
            + SVGChart.timeline(points, bounds: threshold.map { [($0, "threshold \(AlertRaiser.format($0))")] } ?? [], markers: markers,
                                windows: range, attributes: attributes)
            + "</figure>"
    }

    private static func quality(_ windows: [WindowResult]) -> String {
        var rows = ""
        for window in windows {
            for feature in window.features {
                guard let quality = feature.quality,
                      quality.missingRate > 0 || (quality.unseen ?? 0) > 0 || (quality.outOfRange ?? 0) > 0 else { continue }
                rows += "<tr><td>\(window.index)</td><td>\(e(feature.name))</td><td>\(AlertRaiser.format(quality.missingRate * 100))%</td>"
                rows += "<td>\(quality.unseen.map(String.init) ?? "")\(quality.unseenCategories.isEmpty ? "" : " (\(e(quality.unseenCategories.prefix(5).joined(separator: ", "))))")</td>"
                rows += "<td>\(quality.outOfRange.map(String.init) ?? "")</td></tr>"
            }
        }
        guard !rows.isEmpty else { return "<section id=\"quality\"><h2>Data quality</h2><p>No missing, unseen or out-of-range values in these windows.</p></section>\n" }
        return "<section id=\"quality\"><h2>Data quality</h2><table><tr><th>window</th><th>feature</th><th>missing</th><th>unseen</th><th>out of range</th></tr>\(rows)</table></section>\n"
    }

    private static func alertList(_ alerts: [Alert], range: ClosedRange<Int>, events: [Event]) -> String {
        var html = "<section id=\"alerts\"><h2>Alerts</h2>"
        if !events.isEmpty {
            html += "<ul class=\"events\">" + events.map { "<li>window \($0.window): \(e($0.label))</li>" }.joined() + "</ul>"
        }
        let shown = alerts.filter { $0.window.map(range.contains) ?? true }
        guard !shown.isEmpty else { return html + "<p>No alerts in these windows.</p></section>\n" }
        html += "<table id=\"alert-list\"><tr><th>window</th><th>severity</th><th>kind</th><th>message</th></tr>"
        for alert in shown {
            html += "<tr class=\"\(alert.severity.rawValue)\"><td>\(alert.window.map(String.init) ?? "")</td><td>\(alert.severity.rawValue)</td><td>\(e(alert.kind.rawValue))</td><td>\(e(alert.message))</td></tr>"
        }
        return html + "</table></section>\n"
    }

    private static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1360px;color:#212529;padding:0 16px}
        h1{font-size:22px;margin:0}h2{font-size:18px;border-bottom:1px solid #dee2e6;padding-bottom:4px;margin-top:28px}
        h3{font-size:15px;margin:18px 0 4px}small{color:#868e96;font-weight:normal}.meta{color:#868e96}
        figure{display:inline-block;margin:4px 12px 8px 0;vertical-align:top}figcaption{font-size:12px;color:#495057}
        .tick{font-size:10px;fill:#868e96}table{border-collapse:collapse}td,th{border:1px solid #dee2e6;padding:3px 8px;text-align:left}
        table.counts td{text-align:center;min-width:80px}.kind{display:inline-block;background:#f1f3f5;border-radius:3px;padding:1px 6px;margin:2px}
        tr.critical td{background:#fff5f5}tr.warning td{background:#fff9db}tr.info td{background:#e7f5ff}
        .events li{color:#7048e8}footer{margin-top:32px;color:#adb5bd;font-size:12px}
        """
}
