import Foundation

extension DaemonStatus {
    /// The text `driftd status` prints: the daemon's identity and health, then one aligned row per
    /// monitor and one per tailed file.
    public var humanSummary: String {
        var lines = [
            "driftd \(version), up since \(Self.format(startTime))",
            "rules   \(rulesFolder)",
            "state   \(stateFolder)",
            "ingest  \(ingest.healthy ? "healthy" : "UNHEALTHY"), last loop \(ingest.lastLoopTime.map(Self.format) ?? "never")",
        ]
        if let error = ingest.stateError {
            lines.append("        state database refuses commits, reading paused: \(error)")
        }
        lines.append("")
        if monitors.isEmpty {
            lines.append("no monitors")
            return lines.joined(separator: "\n") + "\n"
        }
        lines += Self.table(
            header: ["MONITOR", "RECORDS", "LABELS", "MALFORMED", "WINDOWS", "LAST WINDOW", "LAST WINDOW END", "OPEN ALERTS"],
            rightAligned: [1, 2, 3, 4, 5, 7],
            rows: monitors.map { monitor in
                [monitor.name, String(monitor.records), String(monitor.labels), String(monitor.malformedLines),
                 String(monitor.windowsEvaluated), monitor.lastWindowIndex.map(String.init) ?? "-",
                 monitor.lastWindowTime.map(Self.format) ?? "-", String(monitor.openAlerts)]
            })
        let retraining = monitors.compactMap { monitor in monitor.retrain.map { (monitor.name, $0) } }
        if !retraining.isEmpty {
            lines.append("")
            lines += retraining.map { "retrain \($0): \($1.summary), started \(Self.format($1.startedAt))" }
        }
        let files = monitors.flatMap { monitor in monitor.files.map { (monitor.name, $0) } }
        if !files.isEmpty {
            lines.append("")
            lines += Self.table(
                header: ["MONITOR", "STREAM", "OFFSET", "LAG BYTES", "LAG SECONDS", "PATH"],
                rightAligned: [2, 3, 4],
                rows: files.map { name, file in
                    [name, file.stream, String(file.offset), String(file.lagBytes),
                     String(format: "%.1f", file.lagSeconds), file.path]
                })
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    /// Columns padded to their widest cell, two spaces apart, without trailing spaces.
    private static func table(header: [String], rightAligned: Set<Int>, rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            let cells = row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }
            return String(cells.joined(separator: "  ").reversed().drop(while: { $0 == " " }).reversed())
        }
    }
}
