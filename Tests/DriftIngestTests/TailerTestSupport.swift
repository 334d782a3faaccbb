@testable import DriftIngest
import Foundation
import Glibc
import Synchronization

/// A temporary folder for one test, removed when dropped.
final class TemporaryFolder {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("driftd-ingest-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func callAsFunction(_ name: String) -> String { path + "/" + name }

    /// Appends `text` to a file, creating it (a writer that opens the file for each write).
    func append(_ name: String, _ text: String) {
        let descriptor = open(self(name), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        precondition(descriptor >= 0, "open \(name): \(errno)")
        defer { close(descriptor) }
        writeAll(descriptor, Array(text.utf8))
    }

    func rename(_ from: String, _ to: String) { precondition(Glibc.rename(self(from), self(to)) == 0) }
    func remove(_ name: String) { precondition(unlink(self(name)) == 0) }
    func truncate(_ name: String) { precondition(Glibc.truncate(self(name), 0) == 0) }
    func copy(_ from: String, _ to: String) {
        let data = FileManager.default.contents(atPath: self(from))!
        precondition(FileManager.default.createFile(atPath: self(to), contents: data))
    }
    func exists(_ name: String) -> Bool { access(self(name), F_OK) == 0 }

    /// Sets a file's modification time (seconds since the epoch), for order tests.
    func setModified(_ name: String, _ seconds: Int) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        precondition(utimensat(AT_FDCWD, self(name), &times, 0) == 0)
    }

    /// How many descriptors this process has open on files in this folder.
    var openDescriptors: Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.filter { entry in
            var target = [CChar](repeating: 0, count: 4096)
            let count = readlink("/proc/self/fd/" + entry, &target, target.count - 1)
            guard count > 0 else { return false }
            return String(decoding: target[..<count].map(UInt8.init(bitPattern:)), as: UTF8.self).hasPrefix(path + "/")
        }.count
    }
}

func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
    var written = 0
    while written < bytes.count {
        let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
        precondition(count > 0, "write: \(errno)")
        written += count
    }
}

/// A writer that keeps its file open (O_APPEND) across renames, as a logging process does.
final class AppendingWriter {
    private(set) var descriptor: Int32

    init(_ path: String) {
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        precondition(descriptor >= 0)
    }

    deinit { close(descriptor) }

    func write(_ text: String) { writeAll(descriptor, Array(text.utf8)) }

    /// Opens `path` again (after a rotation by rename).
    func reopen(_ path: String) {
        close(descriptor)
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        precondition(descriptor >= 0)
    }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let value = Mutex<Duration>(.seconds(1000))
    func advance(_ duration: Duration) { value.withLock { $0 += duration } }
    var now: @Sendable () -> Duration { { self.value.withLock { $0 } } }
}

extension Tailer {
    /// The lines one poll hands out, as text (`<tooLong N>` for skipped lines).
    func lines(limit: Int = .max) throws(IngestError) -> [String] {
        var result: [String] = []
        _ = try poll(limit: limit) { line in
            switch line {
            case .complete(let bytes, _, _): result.append(String(decoding: bytes, as: UTF8.self))
            case .tooLong(let length, _, _): result.append("<tooLong \(length)>")
            }
        }
        return result
    }

    /// Lines with where they came from: `name:lineNumber:text`.
    func located(limit: Int = .max) throws(IngestError) -> [String] {
        var result: [String] = []
        _ = try poll(limit: limit) { line in
            let name = line.path.split(separator: "/").last.map(String.init) ?? line.path
            switch line {
            case .complete(let bytes, _, let number): result.append("\(name):\(number):\(String(decoding: bytes, as: UTF8.self))")
            case .tooLong(let length, _, let number): result.append("\(name):\(number):<tooLong \(length)>")
            }
        }
        return result
    }

    /// A new tailer resumed from this one's checkpoints, passed through JSON as the daemon stores them.
    func restarted(configuration: Configuration = .init()) throws -> Tailer {
        let stored = try JSONEncoder().encode(checkpoints)
        return Tailer(pattern: pattern, checkpoints: try JSONDecoder().decode([FileCheckpoint].self, from: stored),
                      configuration: configuration)
    }
}

/// `n` numbered lines: "prefix-first\n" ... as written.
func numbered(_ prefix: String, _ range: ClosedRange<Int>) -> String {
    range.map { "\(prefix)-\($0)\n" }.joined()
}

func names(_ prefix: String, _ range: ClosedRange<Int>) -> [String] {
    range.map { "\(prefix)-\($0)" }
}
