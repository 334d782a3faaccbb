import Foundation
import Glibc
import Synchronization

/// A fresh folder under the system temp folder, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/driftretrain-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw TestSetupError(message: "mkdtemp failed: errno \(errno)") }
        // Resolve /tmp symlinks so paths compare equal to realpath(3) results.
        let raw = String(cString: made)
        path = (realpath(raw, nil).map { pointer in defer { free(pointer) }; return String(cString: pointer) }) ?? raw
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes an executable `/bin/sh` script and returns its path.
    func script(_ name: String, _ body: String) throws -> String {
        let file = path + "/" + name
        try ("#!/bin/sh\n" + body + "\n").write(toFile: file, atomically: false, encoding: .utf8)
        guard chmod(file, 0o755) == 0 else { throw TestSetupError(message: "chmod failed") }
        return file
    }

    /// Writes a text file (folders created as needed).
    func write(_ relativePath: String, _ text: String) throws {
        let file = path + "/" + relativePath
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
    }
}

struct TestSetupError: Error {
    let message: String
}

/// Collects the lines a command printed, per stream, from any thread.
final class LineCollector: Sendable {
    private let lines = Mutex<[(OutputStreamNameCopy, String)]>([])

    enum OutputStreamNameCopy: Sendable { case stdout, stderr }

    func add(isStandardOutput: Bool, _ line: String) {
        lines.withLock { $0.append((isStandardOutput ? .stdout : .stderr, line)) }
    }

    var standardOutput: [String] { lines.withLock { $0.filter { $0.0 == .stdout }.map(\.1) } }
    var standardError: [String] { lines.withLock { $0.filter { $0.0 == .stderr }.map(\.1) } }
}

/// Records the pid handed to `onStart`.
final class PIDBox: Sendable {
    private let value = Mutex<Int32?>(nil)
    func set(_ pid: Int32) { value.withLock { $0 = pid } }
    var pid: Int32? { value.withLock { $0 } }
}

/// True when no process is left in group `pgid`: kill(-pgid, 0) fails with ESRCH.
///
/// SIGKILL is delivered, and the orphans' reaper (PID 1) collects them, asynchronously, and a zombie
/// still counts as a group member; so this waits for that condition with a deadline (polling every
/// 10 ms). It is a bound on an event, not a sleep standing in for one. (The PID 1 of some containers
/// reaps orphans only about once a second.)
func processGroupIsGone(_ pgid: Int32, within deadline: Duration = .seconds(5)) async -> Bool {
    let clock = ContinuousClock()
    let end = clock.now.advanced(by: deadline)
    while true {
        if kill(-pgid, 0) == -1 && errno == ESRCH { return true }
        if clock.now >= end { return false }
        try? await Task.sleep(for: .milliseconds(10))
    }
}

/// Seconds as a Double, for elapsed-time checks.
extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
