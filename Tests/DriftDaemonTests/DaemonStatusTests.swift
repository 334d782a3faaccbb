import DriftDaemon
import Foundation
import Testing

/// `/status`'s JSON and the table `driftd status` prints.
struct DaemonStatusTests {
    @Test func jsonRoundTripsWithSnakeCaseKeys() throws {
        let data = try DaemonStatus.makeEncoder().encode(DaemonStatusFixture.status)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"rules_folder\"", "\"state_folder\"", "\"start_time\"", "\"malformed_lines\"", "\"windows_evaluated\"",
                    "\"last_window_index\"", "\"last_window_time\"", "\"open_alerts\"", "\"lag_bytes\"", "\"lag_seconds\"",
                    "\"last_loop_time\"", "\"2026-11-18T"] {
            #expect(text.contains(key), "\(key) missing from \(text)")
        }
        let decoded = try DaemonStatus.makeDecoder().decode(DaemonStatus.self, from: data)
        #expect(decoded == DaemonStatusFixture.status)
    }

    @Test func summaryAlignsOneRowPerMonitorAndFile() throws {
        let summary = DaemonStatusFixture.status.humanSummary
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "driftd 1.2.3, up since 2026-11-18T11:06:40Z")
        #expect(lines.contains("ingest  healthy, last loop 2026-11-18T11:08:40Z"))
        let monitorHeader = try #require(lines.firstIndex { $0.hasPrefix("MONITOR  ") && $0.contains("RECORDS") })
        let monitorRows = Array(lines[monitorHeader...(monitorHeader + 2)])
        #expect(monitorRows[1].hasPrefix("taxi-duration"))
        #expect(monitorRows[2].hasPrefix("churn"))
        // Right-aligned last column: every row of the table ends at the same column.
        #expect(Set(monitorRows.map(\.count)).count == 1, "\(monitorRows)")
        // Each number ends under its header.
        let recordsEnd = try #require(monitorRows[0].range(of: "RECORDS")).upperBound.utf16Offset(in: monitorRows[0])
        #expect(try #require(monitorRows[1].range(of: "60000")).upperBound.utf16Offset(in: monitorRows[1]) == recordsEnd)
        let fileHeader = try #require(lines.firstIndex { $0.contains("LAG BYTES") })
        #expect(lines[fileHeader + 1].hasSuffix("/var/log/taxi/predictions-1.jsonl"))
        #expect(lines[fileHeader + 2].contains("2.5"))
        #expect(!lines.contains { $0.hasSuffix(" ") })
        #expect(lines.contains("retrain taxi-duration: episode 3 running, attempt 2 of 3 (performance_degraded), started 2026-11-18T11:08:30Z"))
    }

    @Test func summaryOfAnIdleDaemon() {
        var status = DaemonStatusFixture.status
        status.monitors = []
        status.ingest = .init(healthy: false)
        #expect(status.humanSummary.contains("ingest  UNHEALTHY, last loop never"))
        #expect(status.humanSummary.hasSuffix("no monitors\n"))
    }
}
