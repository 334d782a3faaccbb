public import DriftEngine

/// The journald fields of one alert (CONTRACT.md §6), in the order they are sent.
///
/// Always: `MESSAGE`, `MESSAGE_ID` (per kind, see `Alert.Kind.journalMessageID`), `PRIORITY`
/// (info 6, warning 4, critical 2), `SYSLOG_IDENTIFIER=driftd`, `DRIFTD_MONITOR`, `DRIFTD_KIND`,
/// `DRIFTD_SEVERITY`, `DRIFTD_FINGERPRINT`. Where the alert has them: `DRIFTD_WINDOW`,
/// `DRIFTD_FEATURE`, `DRIFTD_METHOD`, `DRIFTD_METRIC`, `DRIFTD_BOUND`, `DRIFTD_VALUE`,
/// `DRIFTD_THRESHOLD`, `DRIFTD_DETECTOR`, `DRIFTD_DETECTOR_NAME`, `DRIFTD_RECORD`, `DRIFTD_ATTEMPT`.
///
/// Numbers are written exactly: integers in decimal, doubles as Swift's `description` (the
/// shortest decimal that reads back as the same double: `0.31`, `1e-05`, `nan`, `inf`).
public struct JournalEntry: Sendable, Equatable {
    /// One `NAME=value` pair. Names are journald field names (upper case, digits, underscores).
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        /// A field `name=value`.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The value of `SYSLOG_IDENTIFIER`, which `journalctl -t driftd` selects.
    public static let syslogIdentifier = "driftd"

    /// The fields, in sending order.
    public var fields: [Field]

    /// The entry for `alert`.
    public init(alert: Alert) {
        var fields: [Field] = [
            Field("MESSAGE", alert.message),
            Field("MESSAGE_ID", alert.kind.journalMessageID),
            Field("PRIORITY", String(alert.severity.syslogPriority)),
            Field("SYSLOG_IDENTIFIER", Self.syslogIdentifier),
            Field("DRIFTD_MONITOR", alert.monitor),
            Field("DRIFTD_KIND", alert.kind.rawValue),
            Field("DRIFTD_SEVERITY", alert.severity.rawValue),
        ]
        func add(_ name: String, _ value: String?) {
            if let value { fields.append(Field(name, value)) }
        }
        add("DRIFTD_WINDOW", alert.window.map { String($0) })
        add("DRIFTD_FEATURE", alert.feature)
        add("DRIFTD_METHOD", alert.method)
        add("DRIFTD_METRIC", alert.metric)
        add("DRIFTD_BOUND", alert.bound)
        add("DRIFTD_VALUE", alert.value.map { $0.description })
        add("DRIFTD_THRESHOLD", alert.threshold.map { $0.description })
        add("DRIFTD_DETECTOR", alert.detector)
        add("DRIFTD_DETECTOR_NAME", alert.detectorName)
        add("DRIFTD_RECORD", alert.record.map { String($0) })
        add("DRIFTD_ATTEMPT", alert.attempt.map { String($0) })
        fields.append(Field("DRIFTD_FINGERPRINT", AlertFingerprint.of(alert)))
        self.fields = fields
    }

    /// `MESSAGE_ID` of a webhook delivery given up (dead-lettered); in `systemd/driftd.catalog`.
    public static let deliveryDeadLetteredMessageID = "173aeb1480f3448d8e74d4191053bfb5"

    /// The entry for a webhook delivery that was given up: priority err (3), the monitor, the
    /// receiver (its origin only: a URL's path may hold a token), the notification id and the reason.
    public init(deadLettered monitor: String, receiver: String, notificationID: String, attempts: Int, reason: String) {
        fields = [
            Field("MESSAGE", "\(monitor): webhook delivery \(notificationID) to \(receiver) given up after \(attempts) attempts: \(reason)"),
            Field("MESSAGE_ID", Self.deliveryDeadLetteredMessageID),
            Field("PRIORITY", "3"),
            Field("SYSLOG_IDENTIFIER", Self.syslogIdentifier),
            Field("DRIFTD_MONITOR", monitor),
            Field("DRIFTD_WEBHOOK", receiver),
            Field("DRIFTD_NOTIFICATION_ID", notificationID),
            Field("DRIFTD_ATTEMPTS", String(attempts)),
            Field("DRIFTD_ERROR", reason),
        ]
    }

    /// One line a retrain or promote command wrote: `PRIORITY` info (6) for stdout, warning (4) for
    /// stderr, with the monitor, episode, attempt and stream, so `journalctl -t driftd
    /// DRIFTD_MONITOR=M DRIFTD_ATTEMPT=2` shows what an attempt printed.
    public init(commandOutput line: String, stream: String, command: String, monitor: String, episode: Int64, attempt: Int?) {
        fields = [
            Field("MESSAGE", "\(monitor) \(command)\(attempt.map { " attempt \($0)" } ?? ""): \(line)"),
            Field("PRIORITY", stream == "stderr" ? "4" : "6"),
            Field("SYSLOG_IDENTIFIER", Self.syslogIdentifier),
            Field("DRIFTD_MONITOR", monitor),
            Field("DRIFTD_COMMAND", command),
            Field("DRIFTD_EPISODE", String(episode)),
            Field("DRIFTD_STREAM", stream),
        ]
        if let attempt { fields.append(Field("DRIFTD_ATTEMPT", String(attempt))) }
    }

    /// The value of the first field called `name`, if any.
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }
}
