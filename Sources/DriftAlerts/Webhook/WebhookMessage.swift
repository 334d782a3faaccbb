public import DriftEngine
public import DriftRules
import Foundation

/// What a webhook is told: an alert that fires, or one whose condition cleared.
public struct AlertNotification: Sendable, Equatable, Codable {
    /// Firing (an alert was raised) or resolved (its condition cleared in a later window).
    public enum Status: String, Sendable, Equatable, Codable {
        case firing, resolved
    }

    /// The alert; for a resolved notification, the last alert of its fingerprint.
    public var alert: Alert
    public var status: Status
    /// `AlertFingerprint.of(alert)`.
    public var fingerprint: String
    /// The notification's id: the generic body's `id` and every format's `Idempotency-Key`.
    public var id: String
    /// When the condition started firing, and when this notification was made (seconds since the epoch).
    public var startsAt: Double
    public var at: Double

    public init(alert: Alert, status: Status, fingerprint: String, id: String, startsAt: Double, at: Double) {
        self.alert = alert
        self.status = status
        self.fingerprint = fingerprint
        self.id = id
        self.startsAt = startsAt
        self.at = at
    }
}

extension AlertNotification {
    /// A notification for an event that is posted once and never tracked or resolved (the retrain
    /// loop's alerts): its id is 16 hex digits of SHA-256("driftd-event-v1" US fingerprint US key),
    /// `key` naming the event (e.g. the episode and attempt), so a retried commit posts the same id.
    public static func event(_ alert: Alert, key: String, at now: Double) -> AlertNotification {
        let fingerprint = AlertFingerprint.of(alert)
        return AlertNotification(alert: alert, status: .firing, fingerprint: fingerprint,
                                 id: AlertFingerprint.hex16(of: ["driftd-event-v1", fingerprint, key].joined(separator: "\u{1F}")),
                                 startsAt: now, at: now)
    }
}

/// The request bodies of the three webhook formats (CONTRACT.md §6, docs/alerts.md).
public enum WebhookMessage {
    /// The body posted for `notification` in `format`, as UTF-8 JSON.
    public static func body(_ notification: AlertNotification, format: MonitorRule.Webhook.Format) -> [UInt8] {
        Array(json(notification, format: format).serialized(pretty: false).utf8)
    }

    static func json(_ notification: AlertNotification, format: MonitorRule.Webhook.Format) -> JSONOutput {
        switch format {
        case .generic: generic(notification)
        case .alertmanager: .array([alertmanager(notification)])
        case .slack: .object([("text", .string(slackText(notification)))])
        }
    }

    /// The report's alert object, with `id`, `status`, `fingerprint` and the times added.
    static func generic(_ notification: AlertNotification) -> JSONOutput {
        guard case .object(var fields) = Report.json(notification.alert) else { return Report.json(notification.alert) }
        fields.insert(("id", .string(notification.id)), at: 0)
        fields.append(("status", .string(notification.status.rawValue)))
        fields.append(("fingerprint", .string(notification.fingerprint)))
        fields.append(("starts_at", .string(timestamp(notification.startsAt))))
        if notification.status == .resolved { fields.append(("ends_at", .string(timestamp(notification.at)))) }
        return .object(fields)
    }

    /// The labels that name the alert in Alertmanager: the same for its firing and resolved posts.
    static func alertmanagerLabels(_ alert: Alert) -> [(String, JSONOutput)] {
        var labels: [(String, JSONOutput)] = [
            ("alertname", .string(alert.kind.rawValue)),
            ("monitor", .string(alert.monitor)),
            ("severity", .string(alert.severity.rawValue)),
        ]
        let optional: [(String, String?)] = [
            ("feature", alert.feature), ("method", alert.method), ("metric", alert.metric),
            ("detector", alert.detector), ("detector_name", alert.detectorName),
        ]
        for (name, value) in optional { if let value { labels.append((name, .string(value))) } }
        return labels
    }

    /// One alert of Alertmanager's `POST /api/v2/alerts`; a resolved one carries `endsAt`.
    static func alertmanager(_ notification: AlertNotification) -> JSONOutput {
        let alert = notification.alert
        var annotations: [(String, JSONOutput)] = [
            ("summary", .string(alert.message)),
            ("fingerprint", .string(notification.fingerprint)),
            ("driftd_id", .string(notification.id)),
        ]
        if let window = alert.window { annotations.append(("window", .string(String(window)))) }
        if let value = alert.value { annotations.append(("value", .string(String(value)))) }
        if let threshold = alert.threshold { annotations.append(("threshold", .string(String(threshold)))) }
        var fields: [(String, JSONOutput)] = [
            ("labels", .object(alertmanagerLabels(alert))),
            ("annotations", .object(annotations)),
            ("startsAt", .string(timestamp(notification.startsAt))),
        ]
        if notification.status == .resolved { fields.append(("endsAt", .string(timestamp(notification.at)))) }
        return .object(fields)
    }

    /// A Slack incoming-webhook text.
    static func slackText(_ notification: AlertNotification) -> String {
        let alert = notification.alert
        switch notification.status {
        case .firing: return "[\(alert.severity.rawValue.uppercased())] \(alert.message)"
        case .resolved: return "[RESOLVED] \(alert.message)"
        }
    }

    /// RFC 3339 in UTC with milliseconds (what Alertmanager parses).
    static func timestamp(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
