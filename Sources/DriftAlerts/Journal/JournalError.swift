public import DriftEngine
import Glibc

/// An alert journald did not take. Non-fatal: the sink counts it and the caller logs it; the
/// alert still reaches the monitor's other sinks and its stored results.
public struct JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What `sd_journal_sendv` returned: a negative errno (`-111`, connection refused, when no
    /// journald listens on `/run/systemd/journal/socket`).
    public var code: Int32
    /// The alert's monitor.
    public var monitor: String
    /// The alert's kind.
    public var kind: Alert.Kind

    /// An error for `code` about an alert of `monitor` and `kind`.
    public init(code: Int32, monitor: String, kind: Alert.Kind) {
        self.code = code
        self.monitor = monitor
        self.kind = kind
    }

    /// The system's text for the errno (`Connection refused`).
    public var reason: String {
        String(cString: strerror(-code))
    }

    public var description: String {
        "journald did not take the \(kind.rawValue) alert of monitor '\(monitor)': \(reason) (\(code))"
    }
}
