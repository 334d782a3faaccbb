import Testing
@testable import DriftAlerts
@testable import DriftEngine

struct JournalEntryTests {
    @Test func dataDriftEntryHasTheContractFieldsInOrder() {
        let alert = SampleAlerts.dataDrift()
        let entry = JournalEntry(alert: alert)
        #expect(entry.fields == [
            .init("MESSAGE", "taxi-duration: trip_distance drifted, PSI 0.3 ≥ 0.2 in window 12"),
            .init("MESSAGE_ID", "916e729119044fce89e4d8e66325f99f"),
            .init("PRIORITY", "4"),
            .init("SYSLOG_IDENTIFIER", "driftd"),
            .init("DRIFTD_MONITOR", "taxi-duration"),
            .init("DRIFTD_KIND", "data_drift"),
            .init("DRIFTD_SEVERITY", "warning"),
            .init("DRIFTD_WINDOW", "12"),
            .init("DRIFTD_FEATURE", "trip_distance"),
            .init("DRIFTD_METHOD", "psi"),
            .init("DRIFTD_VALUE", "0.30000000000000004"),
            .init("DRIFTD_THRESHOLD", "0.2"),
            .init("DRIFTD_FINGERPRINT", "9f8b90de20773fc0"),
        ])
    }

    @Test func fieldsThatDoNotApplyAreLeftOut() {
        let entry = JournalEntry(alert: SampleAlerts.conceptDrift())
        #expect(entry["DRIFTD_WINDOW"] == nil)
        #expect(entry["DRIFTD_FEATURE"] == nil)
        #expect(entry["DRIFTD_VALUE"] == nil)
        #expect(entry["DRIFTD_THRESHOLD"] == nil)
        #expect(entry["DRIFTD_DETECTOR"] == "adwin")
        #expect(entry["DRIFTD_DETECTOR_NAME"] == "fast")
        #expect(entry["DRIFTD_RECORD"] == "41217")
        #expect(entry["PRIORITY"] == "4")
    }

    @Test func performanceEntryNamesMetricAndBoundWithExactNumbers() {
        let entry = JournalEntry(alert: SampleAlerts.performance())
        #expect(entry["PRIORITY"] == "2")
        #expect(entry["DRIFTD_SEVERITY"] == "critical")
        #expect(entry["DRIFTD_METRIC"] == "f1")
        #expect(entry["DRIFTD_BOUND"] == "min")
        #expect(entry["DRIFTD_VALUE"] == "0.49999999999999994")
        #expect(entry["DRIFTD_THRESHOLD"] == "0.55")
        #expect(entry["DRIFTD_METHOD"] == nil)
    }

    @Test func nonFiniteAndTinyValuesPrintAsSwiftDescriptionDoes() {
        var alert = SampleAlerts.dataDrift()
        alert.value = .nan
        alert.threshold = 1e-5
        let entry = JournalEntry(alert: alert)
        #expect(entry["DRIFTD_VALUE"] == "nan")
        #expect(entry["DRIFTD_THRESHOLD"] == "1e-05")
    }

    @Test(arguments: Alert.Kind.allCases)
    func priorityFollowsSeverity(kind: Alert.Kind) {
        var alert = SampleAlerts.modelPromoted()
        alert.kind = kind
        let expected = switch kind.severity { case .info: "6"; case .warning: "4"; case .critical: "2" }
        #expect(JournalEntry(alert: alert)["PRIORITY"] == expected)
        #expect(JournalEntry(alert: alert)["MESSAGE_ID"] == kind.journalMessageID)
    }

    @Test func everyKindHasItsOwnWellFormedMessageID() {
        let ids = Alert.Kind.allCases.map(\.journalMessageID)
        #expect(Set(ids).count == Alert.Kind.allCases.count)
        #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy { "0123456789abcdef".contains($0) } })
    }

    @Test func journalErrorSaysWhatFailedAndWhy() {
        let error = JournalError(code: -111, monitor: "churn", kind: .dataDrift)
        #expect(error.description == "journald did not take the data_drift alert of monitor 'churn': Connection refused (-111)")
    }
}
