import Foundation
import Testing
@testable import DriftStore

/// The state database on a real on-disk SQLite file in a temp folder (STYLE.md, convention 13).
@Suite struct StateStoreTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("driftd-store-\(UUID().uuidString)").path

    func line(_ stream: StateStore.Stream, _ number: Int, readAt: Double = 0) -> StateStore.InputLine {
        StateStore.InputLine(stream: stream, file: "/logs/\(stream.rawValue).jsonl", lineNumber: number,
                             bytes: Array("{\"id\":\"p-\(number)\"}".utf8), readAt: readAt)
    }

    @Test func committedStepReadsBackAfterReopening() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let store = try StateStore(folder: folder)
            try store.resetMonitor("taxi", ruleDigest: "d1", rulePath: "/etc/driftd/rules.d/taxi.json", ruleText: "{}")
            var step = StateStore.Step(monitor: "taxi")
            step.fed = [line(.labels, 1), line(.predictions, 1)]
            step.held = [line(.predictions, 2, readAt: 5), line(.predictions, 3, readAt: 6)]
            step.checkpoints[.predictions] = Data("[1]".utf8)
            step.windows = [(0, "{\"index\":0}")]
            step.alerts = [("{\"kind\":\"data_drift\"}", Data("{}".utf8))]
            try store.commit([step], now: 100)
        }
        let store = try StateStore(folder: folder)
        var fed: [StateStore.InputLine] = []
        try store.forEachInput(monitor: "taxi") { fed.append($0) }
        #expect(fed == [line(.labels, 1), line(.predictions, 1)])
        #expect(try store.held(monitor: "taxi") == [line(.predictions, 2, readAt: 5), line(.predictions, 3, readAt: 6)])
        #expect(try store.checkpoints(monitor: "taxi")[.predictions] == Data("[1]".utf8))
        #expect(try store.windows(monitor: "taxi").map(\.index) == [0])
        #expect(try store.alertsPendingJournal().map(\.json) == ["{\"kind\":\"data_drift\"}"])
        #expect(try store.ruleDigest(monitor: "taxi") == "d1")
        #expect(try store.rule(monitor: "taxi")?.path == "/etc/driftd/rules.d/taxi.json")
    }

    @Test func releasingHeldLinesRemovesTheOldestIncludingThoseReadInTheSameStep() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StateStore(folder: folder)
        try store.resetMonitor("m", ruleDigest: "d", rulePath: "/r.json", ruleText: "{}")
        var first = StateStore.Step(monitor: "m")
        first.held = [line(.predictions, 1)]
        try store.commit([first], now: 1)
        var second = StateStore.Step(monitor: "m")
        second.held = [line(.predictions, 2), line(.predictions, 3)]
        second.releasedHeld = 2
        second.fed = [line(.predictions, 1), line(.predictions, 2)]
        try store.commit([second], now: 2)
        #expect(try store.held(monitor: "m") == [line(.predictions, 3)])
        var fed: [Int] = []
        try store.forEachInput(monitor: "m") { fed.append($0.lineNumber) }
        #expect(fed == [1, 2])
    }

    @Test func resetForgetsEverythingOfThatMonitorOnly() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StateStore(folder: folder)
        for monitor in ["a", "b"] {
            try store.resetMonitor(monitor, ruleDigest: "old", rulePath: "/\(monitor).json", ruleText: "{}")
            var step = StateStore.Step(monitor: monitor)
            step.fed = [line(.predictions, 1)]
            step.windows = [(0, "{}")]
            try store.commit([step], now: 1)
        }
        try store.resetMonitor("a", ruleDigest: "new", rulePath: "/a.json", ruleText: "{ }")
        #expect(try store.windows(monitor: "a").isEmpty)
        #expect(try store.windows(monitor: "b").count == 1)
        #expect(try store.ruleDigest(monitor: "a") == "new")
    }

    @Test func journalMarksAreKeptPerAlert() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StateStore(folder: folder)
        try store.resetMonitor("m", ruleDigest: "d", rulePath: "/r.json", ruleText: "{}")
        var step = StateStore.Step(monitor: "m")
        step.alerts = [("{\"n\":1}", Data()), ("{\"n\":2}", Data())]
        try store.commit([step], now: 1)
        let pending = try store.alertsPendingJournal()
        try store.markJournalDone([pending[0].id])
        #expect(try store.alertsPendingJournal().map(\.json) == ["{\"n\":2}"])
        #expect(try store.alerts(monitor: "m").count == 2)
    }
}
