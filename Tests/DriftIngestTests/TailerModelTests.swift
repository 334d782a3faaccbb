@testable import DriftIngest
import Foundation
import Glibc
import Testing

/// The tailer against an in-memory model of a logging process and logrotate: random writes (some
/// in two halves), rotations by rename (the writer reopening at once or later), copytruncate,
/// deletion of old rotations, polls with random limits and restarts from checkpoints. Every line
/// must be handed out exactly once and in the order written, except the lines the model says
/// may be lost, which are exactly these:
///
/// (docs/tailing.md lists the same.)
///
/// - copytruncate: the lines not yet handed out when the file was copied, when the copy cannot
///   be found at the next poll: it was deleted before that poll; or the pattern does not match
///   copies and either the file held no complete line at the last poll (the tailer recognizes a
///   copy by the first lines it saw, or by the bytes before its offset) or this is the second
///   copy of the file since the last poll (its content was never seen).
/// - a file the tailer never saw (no poll while the pattern matched it) that left the pattern or
///   was deleted before the next poll, and a copy of such a file.
/// - a restart: the lines of deleted files that only the old tailer's descriptors still reached.
/// - copytruncate's own race: lines written between logrotate's copy and its truncation (the
///   model sometimes writes some there; no poll runs in between, so they are always lost).
struct TailerModelTests {
    /// One file the model knows.
    final class ModelFile {
        var name: String?
        var lines: [Int] = []
        var seen = false
        var isCopy = false
        /// Lines that are lost if this copy is deleted before the next poll.
        var atRisk: Set<Int> = []
        var truncationsSinceLastPoll = 0
        /// Complete lines it held at the last poll (the tailer knows a file's first lines, which
        /// identify its copy).
        var linesAtLastPoll = 0
        init(name: String) { self.name = name }
    }

    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let cases: [(UInt64, String)] = (1...100).flatMap { seed in [(UInt64(seed), "app.log"), (UInt64(seed), "app.log*")] }

    @Test(arguments: cases)
    func everyLineOnceInOrderExceptWhatCopytruncateCannotKeep(seed: UInt64, pattern: String) throws {
        var random = Generator(state: seed)
        let folder = TemporaryFolder()
        let clock = ManualClock()
        let configuration = Tailer.Configuration(readSize: 64, fingerprintBytes: 32, now: clock.now)
        let matchesCopies = pattern.hasSuffix("*")
        var modified = 1_000_000  // fake modification times, strictly increasing (the order of files)

        var files: [ModelFile] = []
        func file(named name: String) -> ModelFile? { files.first { $0.name == name } }
        func touch(_ name: String) {
            modified += 1
            folder.setModified(name, modified)
        }
        func matches(_ name: String) -> Bool { matchesCopies ? name.hasPrefix("app.log") : name == "app.log" }

        let live = ModelFile(name: "app.log")
        files.append(live)
        let writer = AppendingWriter(folder("app.log"))
        touch("app.log")
        var target = live          // the file the writer's descriptor points at
        var stale = false          // renamed, the writer not reopened yet
        var pendingTarget: ModelFile?  // where the writer goes when it reopens
        var lostFiles: [ModelFile] = []  // never seen by the tailer before they left its reach
        var partial: Int?          // a line written up to its middle
        var nextLine = 0
        var written: [Int] = []
        var output: [Int] = []
        var allowedLoss: Set<Int> = []
        var tailer = Tailer(pattern: folder(pattern), checkpoints: [], configuration: configuration)

        func text(_ line: Int) -> String { "n-\(line)-" + String(repeating: "x", count: line % 23) }
        var trace: [String] = []
        func poll(limit: Int) throws {
            var got: [String] = []
            _ = try tailer.poll(limit: limit) { line in
                guard case .complete(let bytes, let path, let number) = line else { Issue.record("unexpected \(line)"); return }
                let text = String(decoding: bytes, as: UTF8.self)
                let parts = text.split(separator: "-")
                guard parts.count >= 2, let id = Int(parts[1]) else {
                    Issue.record("garbage line \(text)")
                    got.append("GARBAGE:\(path.split(separator: "/").last!):\(number):\(text)")
                    return
                }
                output.append(id)
                got.append("\(path.split(separator: "/").last!):\(number):\(id)")
            }
            trace.append("poll \(limit == .max ? "all" : String(limit)) -> \(got.joined(separator: " "))")
            for notice in tailer.takeNotices() { trace.append("  notice \(notice.kind) \(notice.path.split(separator: "/").last!) @\(notice.offset)") }
            for file in files where file.name != nil {
                file.atRisk = []
                file.truncationsSinceLastPoll = 0
                file.linesAtLastPoll = file.lines.count - (file === target && partial != nil ? 1 : 0)
                if matches(file.name!) { file.seen = true }
            }
        }
        func writeLines(_ count: Int) {
            var bytes = ""
            if let line = partial {
                bytes += String(text(line).dropFirst(text(line).count / 2)) + "\n"
                partial = nil
            }
            for _ in 0..<count {
                bytes += text(nextLine) + "\n"
                written.append(nextLine)
                target.lines.append(nextLine)
                nextLine += 1
            }
            writer.write(bytes)
            if let name = target.name { touch(name) }
            trace.append("write \(count) to \(target.name ?? "deleted") (last \(nextLine - 1))")
        }
        func remove(_ file: ModelFile) {
            allowedLoss.formUnion(file.atRisk)
            if !file.seen { lostFiles.append(file) }
            folder.remove(file.name!)
            trace.append("delete \(file.name!)")
            file.name = nil
        }
        /// logrotate's `rotate 3`: app.log.3 deleted, .2 -> .3, .1 -> .2, then `then`.
        func shift() {
            if let oldest = file(named: "app.log.3") { remove(oldest) }
            for index in [2, 1] {
                guard let rotated = file(named: "app.log.\(index)") else { continue }
                folder.rename("app.log.\(index)", "app.log.\(index + 1)")
                rotated.name = "app.log.\(index + 1)"
                if !rotated.seen && !matches(rotated.name!) { lostFiles.append(rotated) }
            }
        }

        for _ in 0..<300 {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<35:
                writeLines(Int.random(in: 1...4, using: &random))
            case 35..<42 where partial == nil:
                let line = nextLine
                nextLine += 1
                written.append(line)
                target.lines.append(line)
                partial = line
                writer.write(String(text(line).prefix(text(line).count / 2)))
                trace.append("partial \(line)")
                if let name = target.name { touch(name) }
            case 42..<65:
                try poll(limit: Bool.random(using: &random) ? .max : Int.random(in: 1...6, using: &random))
            case 65..<73 where partial == nil && !stale:  // logrotate `create`
                trace.append("rotate create")
                shift()
                folder.rename("app.log", "app.log.1")
                let current = file(named: "app.log")!
                current.name = "app.log.1"
                if !current.seen && !matches("app.log.1") { lostFiles.append(current) }
                folder.append("app.log", "")
                touch("app.log")
                let created = ModelFile(name: "app.log")
                files.append(created)
                if Bool.random(using: &random) {
                    writer.reopen(folder("app.log"))
                    target = created
                } else {
                    stale = true
                    pendingTarget = created
                    trace.append("  (writer stale)")
                }
            case 73..<78 where stale && partial == nil:  // the writer is told to reopen (postrotate)
                writer.reopen(folder("app.log"))
                target = pendingTarget!
                stale = false
                trace.append("reopen")
            case 78..<86 where partial == nil && !stale:  // logrotate `copytruncate`
                trace.append("copytruncate")
                shift()
                folder.copy("app.log", "app.log.1")
                touch("app.log.1")
                let copy = ModelFile(name: "app.log.1")
                copy.isCopy = true
                copy.lines = target.lines
                copy.seen = target.seen
                let unread = Set(target.lines).subtracting(output)
                let recoverable = matchesCopies || (target.truncationsSinceLastPoll == 0 && target.linesAtLastPoll > 0)
                if recoverable { copy.atRisk = unread } else { allowedLoss.formUnion(unread) }
                files.append(copy)
                if Bool.random(using: &random) {  // logrotate's own race: lines written between its copy and its truncation
                    let first = nextLine
                    writeLines(Int.random(in: 1...3, using: &random))
                    allowedLoss.formUnion(first..<nextLine)
                }
                folder.truncate("app.log")
                touch("app.log")
                target.lines = []
                target.truncationsSinceLastPoll += 1
            case 86..<92:
                trace.append("restart")
                // What only the old tailer's descriptors still reached is gone with them.
                lostFiles += files.filter { $0.name == nil }
                tailer = try tailer.restarted(configuration: configuration)
                try poll(limit: 0)
            case 92..<96 where !stale:
                let seconds = Int.random(in: 1...6, using: &random)
                clock.advance(.seconds(seconds))
                trace.append("advance \(seconds)s")
            default:
                break
            }
        }
        if partial != nil { writeLines(0) }  // the writer finishes its line where it began it
        if stale {
            writer.reopen(folder("app.log"))
            target = pendingTarget!
            stale = false
        }
        for _ in 0..<3 { try poll(limit: .max) }
        for file in lostFiles { allowedLoss.formUnion(file.lines) }

        if ProcessInfo.processInfo.environment["DRIFTD_MODEL_TRACE"] == "\(seed)\(pattern)" {
            print(trace.joined(separator: "\n"))
        }
        let handedOut = Set(output)
        #expect(handedOut.count == output.count, "no line twice")
        let lost = Set(written).subtracting(handedOut)
        #expect(lost.isSubset(of: allowedLoss), "lost \(lost.subtracting(allowedLoss).sorted()) beyond copytruncate's")
        #expect(output == written.filter(handedOut.contains), "in the order written")
        #expect(folder.openDescriptors <= files.filter { $0.name != nil }.count + 1)
    }
}
