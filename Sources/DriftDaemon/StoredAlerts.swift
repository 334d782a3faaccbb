public import DriftEngine
import DriftStore
import Foundation

/// `driftd alerts`: the alerts the daemon stored, newest last.
public enum StoredAlerts {
    /// One stored alert: when it was raised, the alert, and the report's JSON object of it.
    public struct Entry: Sendable {
        public var raisedAt: Double
        public var alert: Alert
        public var json: String
    }

    /// Alerts of `monitor` (nil: every monitor) raised at or after `since` (seconds since the epoch).
    public static func list(stateFolder: String, monitor: String?, since: Double) throws(DaemonError) -> [Entry] {
        do {
            let store = try StateStore(folder: stateFolder, readOnly: true)
            let decoder = JSONDecoder()
            return try store.alerts(monitor: monitor, since: since).compactMap { stored in
                guard let alert = try? decoder.decode(Alert.self, from: stored.payload) else { return nil }
                return Entry(raisedAt: stored.createdAt, alert: alert, json: stored.json)
            }
        } catch {
            throw DaemonError(message: error.description)
        }
    }
}
