/// How one command run ended.
public enum CommandOutcome: Sendable, Equatable, CustomStringConvertible {
    /// Normal exit with this status.
    case exited(Int32)
    /// Ended by a signal it did not get from us.
    case signaled(Int32)
    /// We ended it (and its process group) at the timeout.
    case timedOut
    /// It never ran, e.g. no such executable, or not executable.
    case couldNotStart(String)

    /// True for `.exited(0)` only.
    public var succeeded: Bool {
        self == .exited(0)
    }

    /// A sentence for logs and the audit log, e.g. "exited with status 1".
    ///
    /// `.timedOut` carries no duration; use ``description(timeout:)`` to name it.
    public var description: String {
        switch self {
        case .exited(let status): "exited with status \(status)"
        case .signaled(let signal): "killed by signal \(signal)"
        case .timedOut: "timed out: its process group was ended"
        case .couldNotStart(let reason): "could not start: \(reason)"
        }
    }

    /// Like ``description``, naming the timeout for `.timedOut`: "timed out after 30s: its process group was ended".
    public func description(timeout: Duration) -> String {
        guard case .timedOut = self else { return description }
        return "timed out after \(Self.format(timeout)): its process group was ended"
    }

    /// "30s", "1.5s", "0.25s": seconds with at most three decimals.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        var fraction = String(milliseconds % 1000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(milliseconds / 1000).\(fraction)s"
    }
}
