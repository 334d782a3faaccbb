import DriftAlerts
import DriftEngine
import DriftRules
import Foundation

/// What `replay` does with its alerts besides the report: journald, webhooks, the CI gate.
struct ReplayAlerts {
    var toJournald: Bool
    var webhooks: [String]
    var format: MonitorRule.Webhook.Format
    var secretFile: String?
    var timeout: Double

    /// Alert kinds that make `--fail-on-drift` exit 3.
    static let driftKinds: Set<Alert.Kind> = [.dataDrift, .predictionDrift, .conceptDrift]

    /// Sends every alert of `report`; returns the problems (empty when every alert arrived).
    func send(_ report: Report) async -> [String] {
        let alerts = report.alerts
        var problems: [String] = []
        if toJournald {
            let journal = JournalSink()
            var refused = 0
            for alert in alerts {
                do { try journal.send(alert) } catch { refused += 1 }
            }
            if refused > 0 { problems.append("journald refused \(refused) of \(alerts.count) alerts (is systemd-journald running?)") }
        }
        guard !webhooks.isEmpty, !alerts.isEmpty else { return problems }
        let secret: [UInt8]?
        do {
            secret = try WebhookSecret.load(secretFile: secretFile, credential: nil)
        } catch {
            return problems + [error.description]
        }
        // One notification per alert, ids as the daemon makes them (every alert is posted: no repeat interval).
        var tracker = AlertTracker(repeatInterval: nil)
        let notifications = tracker.observe(alerts: alerts, windows: [], now: Date().timeIntervalSince1970).notifications
        let client = WebhookClient()
        let policy = DeliveryPolicy()
        for url in webhooks {
            var failed = 0
            var lastReason = ""
            for notification in notifications {
                let body = WebhookMessage.body(notification, format: format)
                let request = WebhookClient.Request(url: url, body: body, idempotencyKey: notification.id,
                                                    signature: secret.map { WebhookSecret.signature(body: body, secret: $0) }, timeout: timeout)
                // A few quick tries: a CI job should not wait long for a receiver that is down.
                var attempt = 1
                while true {
                    let outcome = await client.post(request)
                    if case .delivered = outcome { break }
                    if case .rejected(let reason) = outcome { lastReason = reason; failed += 1; break }
                    if case .failed(let reason, _) = outcome { lastReason = reason }
                    guard attempt < 3 else { failed += 1; break }
                    try? await Task.sleep(for: .seconds(policy.delay(afterAttempt: attempt, random: Double.random(in: 0..<1))))
                    attempt += 1
                }
            }
            if failed > 0 {
                problems.append("webhook \(WebhookClient.origin(of: url)): \(failed) of \(notifications.count) alerts not delivered: \(lastReason)")
            }
        }
        return problems
    }
}
