import Crypto
public import DriftEngine

/// Alert fatigue control for webhooks, as Alertmanager users expect: a pure state machine over a
/// monitor's alerts, keyed by `AlertFingerprint`.
///
/// - An alert whose fingerprint is not firing starts firing and is posted.
/// - An alert whose fingerprint is firing is posted again only once `repeatInterval` has passed since
///   it was last posted (with no `repeatInterval`, every alert is posted).
/// - A firing fingerprint resolves when a later window is evaluated without it: a window alert
///   (drift, quality, performance) when a window after its last one passes clean; an alert without a
///   window (concept drift, stalled stream, ingest errors) when a window is evaluated in a later step
///   without it firing again.
///
/// journald is not filtered: it gets every alert, as the record of what happened.
public struct AlertTracker: Sendable {
    /// What is known of one fingerprint.
    public struct Entry: Sendable, Equatable, Codable {
        /// The latest alert of the fingerprint.
        public var alert: Alert
        public var firing: Bool
        /// When it started firing, and when it was last posted (seconds since the epoch).
        public var since: Double
        public var lastPosted: Double?
        /// How many notifications the fingerprint has had: makes each notification's id unique and
        /// the same when a crashed round is done again.
        public var notifications: Int
    }

    /// Entries by fingerprint.
    public private(set) var entries: [String: Entry]
    public var repeatInterval: Double?

    /// How many fingerprints are firing.
    public var firingCount: Int { entries.values.count(where: \.firing) }

    public init(entries: [String: Entry] = [:], repeatInterval: Double?) {
        self.entries = entries
        self.repeatInterval = repeatInterval
    }

    /// What one step of a monitor gives the webhooks.
    public struct Outcome: Sendable, Equatable {
        /// Notifications to post, in order.
        public var notifications: [AlertNotification] = []
        /// For each notification, the index of the alert it posts in `observe`'s `alerts` (nil: resolved).
        public var alertIndexes: [Int?] = []
        /// Alerts not posted because their fingerprint was posted less than `repeatInterval` ago.
        public var suppressed = 0
        /// Fingerprints whose entry changed (to be stored).
        public var changed: Set<String> = []
    }

    /// Takes the alerts raised by one step (in order) and the indexes of the windows it evaluated.
    /// Windows are taken in order: each window's alerts fire, then what that window passed without
    /// resolves. Alerts without a window (or of a window not in `windows`) come first, and keep their
    /// fingerprint firing through this step.
    public mutating func observe(alerts: [Alert], windows: [Int], now: Double) -> Outcome {
        var outcome = Outcome()
        let evaluated = windows.sorted()
        let known = Set(evaluated)
        var stepAlerted = Set<String>()
        for (index, alert) in alerts.enumerated() where !(alert.window.map(known.contains) ?? false) {
            stepAlerted.insert(fire(alert, index: index, now: now, into: &outcome))
        }
        for window in evaluated {
            var windowAlerted = Set<String>()
            for (index, alert) in alerts.enumerated() where alert.window == window {
                windowAlerted.insert(fire(alert, index: index, now: now, into: &outcome))
            }
            for fingerprint in entries.keys.sorted() where !windowAlerted.contains(fingerprint) && !stepAlerted.contains(fingerprint) {
                guard var entry = entries[fingerprint], entry.firing else { continue }
                entry.firing = false
                outcome.notifications.append(notify(&entry, fingerprint, .resolved, now))
                outcome.alertIndexes.append(nil)
                entries[fingerprint] = entry
                outcome.changed.insert(fingerprint)
            }
        }
        return outcome
    }

    /// One alert: it starts firing, is posted again, or is suppressed. Returns its fingerprint.
    private mutating func fire(_ alert: Alert, index: Int, now: Double, into outcome: inout Outcome) -> String {
        let fingerprint = AlertFingerprint.of(alert)
        outcome.changed.insert(fingerprint)
        var entry = entries[fingerprint] ?? Entry(alert: alert, firing: false, since: now, lastPosted: nil, notifications: 0)
        entry.alert = alert
        if !entry.firing {
            entry.firing = true
            entry.since = now
        } else if let repeatInterval, let last = entry.lastPosted, now - last < repeatInterval {
            outcome.suppressed += 1
            entries[fingerprint] = entry
            return fingerprint
        }
        entry.lastPosted = now
        outcome.notifications.append(notify(&entry, fingerprint, .firing, now))
        outcome.alertIndexes.append(index)
        entries[fingerprint] = entry
        return fingerprint
    }

    private func notify(_ entry: inout Entry, _ fingerprint: String, _ status: AlertNotification.Status, _ now: Double) -> AlertNotification {
        entry.notifications += 1
        return AlertNotification(alert: entry.alert, status: status, fingerprint: fingerprint,
                                 id: Self.notificationID(fingerprint: fingerprint, number: entry.notifications, status: status),
                                 startsAt: entry.since, at: now)
    }

    /// 16 hex digits of SHA-256("driftd-notification-v1" US fingerprint US number US status).
    static func notificationID(fingerprint: String, number: Int, status: AlertNotification.Status) -> String {
        AlertFingerprint.hex16(of: ["driftd-notification-v1", fingerprint, String(number), status.rawValue].joined(separator: "\u{1F}"))
    }
}
