import Foundation
import Testing
@testable import DriftStore

/// The webhook outbox on a real SQLite file: deliveries are committed with their alerts, come due,
/// record their attempts, and outlive a reopening and a reset of their monitor.
@Suite struct OutboxTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("driftd-outbox-\(UUID().uuidString)").path

    func delivery(_ id: String, alertIndex: Int?, at time: Double) -> StateStore.Delivery {
        StateStore.Delivery(monitor: "taxi", alertIndex: alertIndex, notificationID: id, status: alertIndex == nil ? "resolved" : "firing",
                            url: "http://127.0.0.1:9093/api/v2/alerts", format: "alertmanager", secretFile: "/etc/driftd/secret",
                            credential: nil, timeout: 10, retryFor: 3600, body: Data("[{}]".utf8), createdAt: time)
    }

    @Test func deliveriesAreCommittedWithTheirAlertsAndSurviveReopening() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let store = try StateStore(folder: folder)
            try store.resetMonitor("taxi", ruleDigest: "d1", rulePath: "/r/taxi.json", ruleText: "{}")
            var step = StateStore.Step(monitor: "taxi")
            step.alerts = [("{\"kind\":\"data_drift\"}", Data("{}".utf8)), ("{\"kind\":\"prediction_drift\"}", Data("{}".utf8))]
            step.deliveries = [delivery("a", alertIndex: 1, at: 100), delivery("b", alertIndex: nil, at: 100)]
            step.alertStates = ["f1": Data("{\"firing\":true}".utf8)]
            try store.commit([step], now: 100)
        }
        let store = try StateStore(folder: folder)
        let alerts = try store.alerts(monitor: "taxi")
        let due = try store.dueDeliveries(now: 100, limit: 10)
        #expect(due.map(\.notificationID) == ["a", "b"])
        #expect(due[0].alertID == alerts[1].id, "linked to the alert it carries")
        #expect(due[1].alertID == nil)
        #expect(due[0].secretFile == "/etc/driftd/secret" && due[0].body == Data("[{}]".utf8) && due[0].state == .pending)
        #expect(try store.alertStates(monitor: "taxi") == ["f1": Data("{\"firing\":true}".utf8)])
        #expect(try store.dueDeliveries(now: 99, limit: 10).isEmpty, "not due before it was queued")
    }

    @Test func attemptsMoveADeliveryToRetryDeliveredOrDead() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StateStore(folder: folder)
        var step = StateStore.Step(monitor: "taxi")
        step.deliveries = [delivery("a", alertIndex: nil, at: 0), delivery("b", alertIndex: nil, at: 0)]
        try store.commit([step], now: 0)
        let (a, b) = try { let due = try store.dueDeliveries(now: 0, limit: 10); return (due[0].id, due[1].id) }()
        try store.recordAttempt(id: a, state: .pending, nextAttemptAt: 30, error: "HTTP 500", now: 1)
        try store.recordAttempt(id: b, state: .dead, nextAttemptAt: nil, error: "HTTP 400", now: 1)
        #expect(try store.dueDeliveries(now: 29, limit: 10).isEmpty)
        #expect(try store.nextDeliveryTime() == 30)
        let retried = try #require(try store.dueDeliveries(now: 30, limit: 10).first)
        #expect(retried.attempts == 1 && retried.lastError == "HTTP 500")
        try store.recordAttempt(id: a, state: .delivered, nextAttemptAt: nil, error: nil, now: 31)
        #expect(try store.nextDeliveryTime() == nil)
        let all = try store.deliveries(monitor: "taxi")
        #expect(all.map(\.state) == [.delivered, .dead])
        #expect(all[0].attempts == 2 && all[0].doneAt == 31 && all[0].lastError == "HTTP 500")
        #expect(try store.deliveryCounts() == [.delivered: 1, .dead: 1])
    }

    @Test func resettingAMonitorKeepsItsPendingDeliveriesButForgetsItsAlertStates() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StateStore(folder: folder)
        var step = StateStore.Step(monitor: "taxi")
        step.deliveries = [delivery("a", alertIndex: nil, at: 0)]
        step.alertStates = ["f1": Data("{}".utf8)]
        try store.commit([step], now: 0)
        try store.resetMonitor("taxi", ruleDigest: "d2", rulePath: "/r/taxi.json", ruleText: "{\"changed\":1}")
        #expect(try store.dueDeliveries(now: 0, limit: 10).map(\.notificationID) == ["a"])
        #expect(try store.alertStates(monitor: "taxi").isEmpty)
    }
}
