import Foundation
import Testing
@testable import DriftDaemon

/// The notifier against a real datagram socket. Serialized: the tests set process-wide environment
/// variables (`NOTIFY_SOCKET`, `WATCHDOG_USEC`, `WATCHDOG_PID`) and restore them.
@Suite(.serialized)
struct SystemdNotifierTests {
    /// Runs `body` with `variables` set (nil: unset), then restores the previous values.
    func withEnvironment<T>(_ variables: [String: String?], _ body: () throws -> T) rethrows -> T {
        let saved = variables.keys.map { ($0, getenv($0).map { String(cString: $0) }) }
        for (name, value) in variables {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
        defer {
            for (name, value) in saved {
                if let value { setenv(name, value, 1) } else { unsetenv(name) }
            }
        }
        return try body()
    }

    @Test func everyNotificationArrivesAsOneDatagram() throws {
        let socket = try NotifySocket()
        let notifier = SystemdNotifier()
        try withEnvironment(["NOTIFY_SOCKET": socket.path]) {
            #expect(notifier.isManaged)
            #expect(notifier.ready(status: "watching 3 monitors") == .sent)
            #expect(socket.receive() == "READY=1\nSTATUS=watching 3 monitors")
            #expect(notifier.status("window 12 of churn evaluated") == .sent)
            #expect(socket.receive() == "STATUS=window 12 of churn evaluated")
            #expect(notifier.watchdog() == .sent)
            #expect(socket.receive() == "WATCHDOG=1")
            #expect(notifier.stopping() == .sent)
            #expect(socket.receive() == "STOPPING=1")
            #expect(notifier.reloading() == .sent)
            let reloading = try #require(socket.receive())
            let lines = reloading.split(separator: "\n")
            #expect(lines.first == "RELOADING=1")
            #expect(lines.count == 2 && lines[1].hasPrefix("MONOTONIC_USEC=") && UInt64(lines[1].dropFirst(15)) != nil)
            #expect(!socket.hasPending)
        }
    }

    @Test func aStatusWithNewlinesCannotInjectOtherAssignments() throws {
        let socket = try NotifySocket()
        withEnvironment(["NOTIFY_SOCKET": socket.path]) {
            SystemdNotifier().status("bad\nREADY=1")
            #expect(socket.receive() == "STATUS=bad READY=1")
        }
    }

    @Test func withoutNotifySocketNothingIsSent() throws {
        withEnvironment(["NOTIFY_SOCKET": nil]) {
            let notifier = SystemdNotifier()
            #expect(!notifier.isManaged)
            #expect(notifier.ready(status: "ready") == .noManager)
            #expect(notifier.watchdog() == .noManager)
            #expect(notifier.stopping() == .noManager)
        }
    }

    @Test func aVanishedManagerSocketIsAFailureNotACrash() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("driftd-notify-missing-\(UUID().uuidString)").path
        withEnvironment(["NOTIFY_SOCKET": path]) {
            let outcome = SystemdNotifier().watchdog()
            #expect(outcome == .failed(code: -ENOENT))
        }
    }

    @Test func watchdogIntervalComesFromWatchdogUsecAndPingsAtHalf() {
        withEnvironment(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid())]) {
            #expect(SystemdNotifier().watchdogInterval == .seconds(30))
            #expect(SystemdNotifier().watchdogPingInterval == .seconds(15))
        }
        withEnvironment(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": nil]) {
            #expect(SystemdNotifier().watchdogInterval == .seconds(30))
        }
    }

    @Test func noWatchdogWhenUnsetOrMeantForAnotherProcess() {
        withEnvironment(["WATCHDOG_USEC": nil, "WATCHDOG_PID": nil]) {
            #expect(SystemdNotifier().watchdogInterval == nil)
            #expect(SystemdNotifier().watchdogPingInterval == nil)
        }
        withEnvironment(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid() + 1)]) {
            #expect(SystemdNotifier().watchdogInterval == nil)
        }
    }
}
