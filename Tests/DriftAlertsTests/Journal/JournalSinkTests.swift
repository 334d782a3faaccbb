import Foundation
import Testing
@testable import DriftAlerts
@testable import DriftEngine

/// The sink against the real journald, read back with journalctl.
@Suite(.enabled(if: Journal.isAvailable, "needs journald: scripts/journald.sh start"))
struct JournalSinkTests {
    @Test(arguments: SampleAlerts.all)
    func sentAlertReadsBackWithEveryField(alert: Alert) async throws {
        var alert = alert
        alert.monitor = Journal.uniqueMonitor("sink")
        let sink = JournalSink()
        try sink.send(alert)
        #expect(sink.sentCount == 1)
        #expect(sink.failureCount == 0)

        let entries = try await Journal.entries(monitor: alert.monitor)
        try #require(entries.count == 1)
        let stored = entries[0]
        for field in JournalEntry(alert: alert).fields {
            #expect(stored[field.name] as? String == field.value, "\(field.name)")
        }
        let driftdFields = Set(stored.keys.filter { $0.hasPrefix("DRIFTD_") })
        #expect(driftdFields == Set(JournalEntry(alert: alert).fields.map(\.name).filter { $0.hasPrefix("DRIFTD_") }))
    }

    @Test func alertsAreFoundByKindAndMessageID() async throws {
        let monitor = Journal.uniqueMonitor("filters")
        let alert = SampleAlerts.performance(monitor: monitor)
        try JournalSink().send(alert)
        let byID = try await Journal.poll(["MESSAGE_ID=\(alert.kind.journalMessageID)", "DRIFTD_MONITOR=\(monitor)", "-o", "cat"]) { !$0.isEmpty }
        #expect(byID == alert.message + "\n")
        let byKind = try await Journal.poll(["DRIFTD_KIND=performance_degraded", "DRIFTD_MONITOR=\(monitor)", "-p", "crit", "-o", "cat"]) { !$0.isEmpty }
        #expect(byKind == alert.message + "\n")
    }

    @Test func copiesOfASinkShareTheirCounts() throws {
        let sink = JournalSink()
        let copy = sink
        try copy.send(SampleAlerts.modelPromoted(monitor: Journal.uniqueMonitor("counts")))
        try sink.send(SampleAlerts.modelPromoted(monitor: Journal.uniqueMonitor("counts")))
        #expect(sink.sentCount == 2)
        #expect(copy.sentCount == 2)
    }
}

/// Runs only when no journald listens (plain `swift test` on a machine without one; `make test`
/// starts journald, so there it is skipped).
@Suite(.enabled(if: !Journal.isAvailable, "journald is running"))
struct JournalSinkWithoutJournaldTests {
    @Test func sendWithoutJournaldThrowsConnectionRefusedAndCountsIt() {
        let sink = JournalSink()
        #expect(throws: JournalError(code: -111, monitor: "churn", kind: .modelPromoted)) {
            try sink.send(SampleAlerts.modelPromoted())
        }
        #expect(sink.failureCount == 1)
        #expect(sink.sentCount == 0)
    }
}
