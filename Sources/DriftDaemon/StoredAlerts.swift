public import DriftEngine
import DriftAlerts
import DriftStore
import Foundation

/// `driftd alerts`: the alerts the daemon stored, newest last.
public enum StoredAlerts {
    /// One stored alert: when it was raised, the alert, and the report's JSON object of it.
    public struct Entry: Sendable {
        public var raisedAt: Double
        public var alert: Alert
        public var json: String
        /// Its webhook deliveries, oldest first.
        public var deliveries: [Delivery] = []
    }

    /// Where one webhook delivery of an alert stands.
    public struct Delivery: Sendable {
        /// The receiver's origin (scheme, host, port: a URL's path may hold a token).
        public var receiver: String
        public var format: String
        /// `pending`, `delivered` or `dead`.
        public var state: String
        public var attempts: Int
        public var lastError: String?
        /// Pending: when the next attempt is due; otherwise when it was delivered or given up.
        public var nextAttemptAt: Double?
        public var doneAt: Double?

        /// One line for people.
        public var summary: String {
            var text = "\(format) webhook \(receiver): \(state)"
            switch state {
            case "delivered": text += attempts > 1 ? " after \(attempts) attempts" : ""
            case "pending":
                text += attempts == 0 ? " (not tried yet)" : " (\(attempts) attempts"
                if attempts > 0, let next = nextAttemptAt { text += ", next at \(Timestamp.format(next))" }
                if attempts > 0 { text += ")" }
            default: text += " after \(attempts) attempts"
            }
            if state != "delivered", let lastError { text += ": " + lastError }
            return text
        }
    }

    /// Alerts of `monitor` (nil: every monitor) raised at or after `since` (seconds since the epoch).
    public static func list(stateFolder: String, monitor: String?, since: Double) throws(DaemonError) -> [Entry] {
        do {
            let store = try StateStore(folder: stateFolder, readOnly: true)
            let decoder = JSONDecoder()
            let deliveries = Dictionary(grouping: try store.deliveries(monitor: monitor, since: since).filter { $0.alertID != nil }, by: \.alertID)
            return try store.alerts(monitor: monitor, since: since).compactMap { stored in
                guard let alert = try? decoder.decode(Alert.self, from: stored.payload) else { return nil }
                return Entry(raisedAt: stored.createdAt, alert: alert, json: stored.json,
                             deliveries: (deliveries[stored.id] ?? []).map { delivery in
                                 Delivery(receiver: WebhookClient.origin(of: delivery.url), format: delivery.format, state: delivery.state.rawValue,
                                          attempts: delivery.attempts, lastError: delivery.lastError,
                                          nextAttemptAt: delivery.state == .pending ? delivery.nextAttemptAt : nil, doneAt: delivery.doneAt)
                             })
            }
        } catch {
            throw DaemonError(message: error.description)
        }
    }
}
