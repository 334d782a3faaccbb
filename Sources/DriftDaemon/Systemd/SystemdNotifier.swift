import CSystemd
import Glibc

/// Tells the service manager how the daemon is doing, through `sd_notify` (the protocol of
/// `Type=notify` units): ready, status lines, reloading, stopping and watchdog pings.
///
/// The manager's socket comes from `NOTIFY_SOCKET`, read at each call; with it unset (the daemon
/// run by hand, or by a manager that does not listen) every call does nothing and returns
/// `.noManager`. The environment is left as it is, so child processes such as retrain commands
/// must be started with `NOTIFY_SOCKET` removed.
public struct SystemdNotifier: Sendable {
    /// What became of a notification.
    public enum Outcome: Sendable, Equatable {
        /// The manager's socket took the datagram.
        case sent
        /// `NOTIFY_SOCKET` is unset: nobody to tell.
        case noManager
        /// Sending failed; the negative errno `sd_notify` returned.
        case failed(code: Int32)
    }

    /// A notifier for the manager named by `NOTIFY_SOCKET`.
    public init() {}

    /// Whether a manager is listening for notifications (`NOTIFY_SOCKET` is set).
    public var isManaged: Bool {
        getenv("NOTIFY_SOCKET") != nil
    }

    /// Startup is complete (`READY=1`), with a status line. Also sent after a reload completes.
    @discardableResult
    public func ready(status: String) -> Outcome {
        notify("READY=1\nSTATUS=\(Self.oneLine(status))")
    }

    /// A free-form status line for `systemctl status` (`STATUS=...`).
    @discardableResult
    public func status(_ status: String) -> Outcome {
        notify("STATUS=\(Self.oneLine(status))")
    }

    /// A reload has started (`RELOADING=1`); send `ready(status:)` when it is done. The monotonic
    /// timestamp is what `Type=notify-reload` (systemd 253+) requires; older managers ignore it.
    @discardableResult
    public func reloading() -> Outcome {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
        return notify("RELOADING=1\nMONOTONIC_USEC=\(microseconds)")
    }

    /// Shutdown has started (`STOPPING=1`).
    @discardableResult
    public func stopping() -> Outcome {
        notify("STOPPING=1")
    }

    /// A watchdog keep-alive ping (`WATCHDOG=1`); send one every `watchdogPingInterval`.
    @discardableResult
    public func watchdog() -> Outcome {
        notify("WATCHDOG=1")
    }

    /// The unit's `WatchdogSec=`, when the manager expects pings from this process
    /// (`sd_watchdog_enabled`: `WATCHDOG_USEC` set, `WATCHDOG_PID` unset or this process's).
    public var watchdogInterval: Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(clamping: microseconds))
    }

    /// How often to ping: half of `watchdogInterval`, as sd_watchdog_enabled(3) advises, so one
    /// late ping does not get the daemon killed.
    public var watchdogPingInterval: Duration? {
        watchdogInterval.map { $0 / 2 }
    }

    private func notify(_ state: String) -> Outcome {
        let result = sd_notify(0, state)
        if result > 0 { return .sent }
        if result == 0 { return .noManager }
        return .failed(code: result)
    }

    /// A status fits on one line: a newline would start another `NAME=value` assignment.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
