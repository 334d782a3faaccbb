@testable import DriftIngest
import Foundation
import Glibc
import Synchronization
import Testing

/// The real `logrotate` (Debian's /usr/sbin/logrotate) rotating a file that a writer thread
/// appends numbered lines to, while a tailer thread follows it (woken by a `FileWatcher`, and
/// restarted from its checkpoints every few thousand lines, as after a crash).
///
/// - `create`: every line is handed out exactly once, in order.
/// - `copytruncate`: every line that is in some file on disk at the end (the live file or a
///   rotated copy) is handed out exactly once, in order. The lines the writer appended between
///   logrotate's copy and its truncation are in no file: those the tailer read from the live file
///   before the truncation are handed out, the others are lost (no reader can see them). Their
///   count is printed, and they must form at most one run per rotation.
///
/// The tailer may lag thousands of lines behind (the writer runs up to 5,000 lines ahead), but a
/// rotation waits until it has handed out a line written after the previous one: copytruncate
/// twice before the tailer has seen anything written in between leaves a copy it cannot recognise
/// (see docs/tailing.md). On a loaded machine the writer can otherwise be thousands of lines past
/// the next rotation's threshold when one logrotate run ends.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/logrotate")))
struct LogrotateIntegrationTests {
    final class Shared: Sendable {
        let written = Atomic<Int>(0)
        let stopWriter = Atomic<Bool>(false)
        let stopTailer = Atomic<Bool>(false)
        let writerDone = Atomic<Bool>(false)
        let tailerDone = Atomic<Bool>(false)
        let output = Mutex<[Int]>([])
        let errors = Mutex<[String]>([])
        let restarts = Atomic<Int>(0)
        /// The highest line number handed out so far.
        let highest = Atomic<Int>(-1)
        let diagnostics = Mutex<[String]>([])
    }

    static let linesPerRotation = 3_000
    static let rotations = 5

    @Test func createModeHandsOutEveryLineOnceInOrder() throws {
        let (written, output, onDisk) = try run(mode: "create")
        #expect(Set(output).count == output.count, "no line twice")
        #expect(output == Array(0..<written), "every line once, in order")
        #expect(onDisk == Set(0..<written))
    }

    @Test func copytruncateHandsOutEveryLineOnDiskOnceAndLosesOnlyItsOwnRace() throws {
        let (written, output, onDisk) = try run(mode: "copytruncate")
        #expect(Set(output).count == output.count, "no line twice")
        #expect(output == output.sorted(), "in order")
        #expect(onDisk.isSubset(of: Set(output)), "every line that is in a file is handed out")
        // The others were written after logrotate's copy and were either read from the live file
        // before its truncation, or lost with it.
        let lost = Set(0..<written).subtracting(output).sorted()
        let runs = lost.indices.filter { $0 == 0 || lost[$0] != lost[$0 - 1] + 1 }.count
        print("copytruncate: \(written) lines written, \(lost.count) lost (written between copy and truncation, not read in between), in \(runs) runs over \(Self.rotations) rotations; \(Set(output).subtracting(onDisk).count) handed out that no file holds any more")
        #expect(runs <= Self.rotations)
    }

    /// Writes, rotates and tails; returns how many lines were written, those handed out, and
    /// those found in the files left on disk.
    func run(mode: String) throws -> (Int, [Int], Set<Int>) {
        let folder = TemporaryFolder()
        let log = folder("app.jsonl")
        let configuration = folder("logrotate.conf")
        try "\(log) {\n    \(mode)\n    rotate 20\n    nocompress\n    missingok\n}\n".write(toFile: configuration, atomically: true, encoding: .utf8)
        chmod(configuration, 0o644)
        let shared = Shared()
        let reopens = mode == "create"

        Thread.detachNewThread {
            Self.write(log, reopens: reopens, shared)
        }
        Thread.detachNewThread {
            Self.tail(log, shared)
        }
        defer {
            shared.stopWriter.store(true, ordering: .relaxed)
            shared.stopTailer.store(true, ordering: .relaxed)
            _ = waitUntil(seconds: 30) { shared.writerDone.load(ordering: .relaxed) && shared.tailerDone.load(ordering: .relaxed) }
        }

        var writtenBeforeLastRotation = -1
        for rotation in 1...Self.rotations {
            try #require(waitUntil(seconds: 60) {
                shared.written.load(ordering: .relaxed) >= rotation * Self.linesPerRotation
                    && shared.highest.load(ordering: .relaxed) > writtenBeforeLastRotation
            })
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/logrotate")
            process.arguments = ["-f", "-s", folder("logrotate.state"), configuration]
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "logrotate exited with \(process.terminationStatus)")
            writtenBeforeLastRotation = shared.written.load(ordering: .relaxed)
        }
        try #require(waitUntil(seconds: 60) { shared.written.load(ordering: .relaxed) >= (Self.rotations + 1) * Self.linesPerRotation })
        shared.stopWriter.store(true, ordering: .relaxed)
        try #require(waitUntil(seconds: 30) { shared.writerDone.load(ordering: .relaxed) })
        let written = shared.written.load(ordering: .relaxed)

        var onDisk: Set<Int> = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasPrefix("app.jsonl") {
            let text = try String(contentsOfFile: folder(name), encoding: .utf8)
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                if let number = Self.number(in: Substring(line)) { onDisk.insert(number) }
            }
        }
        let expected = onDisk.count
        let caughtUp = waitUntil(seconds: 60) { shared.output.withLock { Set($0).count >= expected } }
        shared.stopTailer.store(true, ordering: .relaxed)
        try #require(waitUntil(seconds: 30) { shared.tailerDone.load(ordering: .relaxed) })
        #expect(caughtUp, "the tailer caught up")
        let output = shared.output.withLock { $0 }
        if !caughtUp || Set(output).count != output.count || output != output.sorted() {
            let missing = onDisk.subtracting(output).sorted()
            print("missing \(missing.count): \(missing.prefix(20))...; files: \(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted())")
            print(shared.diagnostics.withLock { $0 }.joined(separator: "\n"))
        }
        #expect(shared.errors.withLock { $0 } == [])
        #expect(shared.restarts.load(ordering: .relaxed) >= 2)
        return (written, output, onDisk)
    }

    static func number(in line: Substring) -> Int? {
        guard let range = line.range(of: "\"n\":"), let end = line[range.upperBound...].firstIndex(of: "}") else { return nil }
        return Int(line[range.upperBound..<end])
    }

    /// A logging process: one `write` per line (O_APPEND). In `create` mode it reopens the path
    /// when it names another file than the one it has open, as Python's WatchedFileHandler does
    /// (it never creates the file itself: logrotate does).
    static func write(_ path: String, reopens: Bool, _ shared: Shared) {
        var descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        precondition(descriptor >= 0)
        var number = 0
        while !shared.stopWriter.load(ordering: .relaxed) {
            // Stay at most a few thousand lines ahead of the tailer.
            if number - shared.highest.load(ordering: .relaxed) > 5_000 {  // (lost lines are never read)
                usleep(100)
                continue
            }
            writeAll(descriptor, Array("{\"id\":\"p-\(number)\",\"n\":\(number)}\n".utf8))
            number += 1
            shared.written.store(number, ordering: .relaxed)
            if reopens && number % 50 == 0 {
                var open = stat(), named = stat()
                if fstat(descriptor, &open) == 0, stat(path, &named) == 0, open.st_ino != named.st_ino {
                    let reopened = Glibc.open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
                    if reopened >= 0 {
                        close(descriptor)
                        descriptor = reopened
                    }
                }
            }
        }
        close(descriptor)
        shared.writerDone.store(true, ordering: .relaxed)
    }

    /// The daemon's loop: poll, and wait for inotify when there is nothing to read; restart from
    /// checkpoints every 2,000 lines.
    static func tail(_ pattern: String, _ shared: Shared) {
        defer { shared.tailerDone.store(true, ordering: .relaxed) }
        do {
            let watcher = try FileWatcher(patterns: [pattern])
            var tailer = Tailer(pattern: pattern, checkpoints: [])
            var sinceRestart = 0
            while !shared.stopTailer.load(ordering: .relaxed) {
                var lines: [Int] = []
                var sources: [String] = []
                let count = try tailer.poll(limit: 500) { line in
                    if case .complete(let bytes, let path, let lineNumber) = line,
                       let number = number(in: Substring(String(decoding: bytes, as: UTF8.self))) {
                        lines.append(number)
                        if sources.isEmpty || number != lines[lines.count - 2] + 1 {
                            sources.append("\(number)@\(path.split(separator: "/").last ?? ""):\(lineNumber)")
                        }
                    }
                }
                shared.output.withLock { $0 += lines }
                if let last = lines.last {
                    shared.highest.store(max(last, shared.highest.load(ordering: .relaxed)), ordering: .relaxed)
                    shared.diagnostics.withLock { $0.append("poll \(sources.joined(separator: " ")) .. \(last)") }
                }
                let notices = tailer.takeNotices()
                if !notices.isEmpty { shared.diagnostics.withLock { $0 += notices.map { "notice \($0.kind) \($0.path.split(separator: "/").last ?? "") @\($0.offset): \($0.message)" } } }
                sinceRestart += count
                if sinceRestart >= 2_000 {
                    sinceRestart = 0
                    let checkpoints = tailer.checkpoints
                    shared.diagnostics.withLock { $0 += ["restart"] + checkpoints.map { "  \($0.inode) \($0.path.split(separator: "/").last ?? "") @\($0.offset) line \($0.lineNumber)" } }
                    tailer = Tailer(pattern: pattern, checkpoints: checkpoints)
                    shared.restarts.add(1, ordering: .relaxed)
                }
                if count == 0 { _ = watcher.wait(timeout: .milliseconds(100)) }
            }
            shared.diagnostics.withLock { $0 += tailer.checkpoints.map { "checkpoint \($0)" } }
        } catch {
            shared.errors.withLock { $0.append("\(error)") }
        }
    }
}

/// Waits (briefly napping) until `condition` holds or `seconds` pass; true if it held.
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(1_000)
    }
    return condition()
}
