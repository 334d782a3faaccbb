@testable import DriftIngest
import Foundation
import Glibc
import Testing

/// copytruncate cases the model test (`TailerModelTests`) found: the copy must be found, and read
/// before the truncated file, even when nothing of the original had been handed out yet.
struct CopytruncateTests {
    @Test func aFileCopytruncatedBeforeAnyOfItsLinesWasHandedOutIsReadFromItsCopy() throws {
        let folder = TemporaryFolder()
        let writer = AppendingWriter(folder("app.log"))
        writer.write(numbered("l", 1...3))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        #expect(try tailer.lines(limit: 0) == [])  // seen, nothing handed out (the limit went elsewhere)
        folder.copy("app.log", "app.log.1")
        folder.truncate("app.log")
        writer.write("m-1\n")
        #expect(try tailer.located() == ["app.log.1:1:l-1", "app.log.1:2:l-2", "app.log.1:3:l-3", "app.log:1:m-1"])
        #expect(tailer.takeNotices().map(\.kind) == [.truncated, .resumedFromCopy])
    }

    @Test func aCopyIsReadBeforeItsTruncatedFileWhenBothHaveTheSameModificationTime() throws {
        let folder = TemporaryFolder()
        let writer = AppendingWriter(folder("app.log"))
        writer.write(numbered("l", 1...2))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        #expect(try tailer.lines(limit: 0) == [])
        folder.copy("app.log", "app.log.1")
        folder.truncate("app.log")
        writer.write("m-1\n")
        // Within one clock tick: a name order would put app.log first.
        folder.setModified("app.log", 5_000)
        folder.setModified("app.log.1", 5_000)
        #expect(try tailer.lines() == ["l-1", "l-2", "m-1"])
    }

    @Test func linesWrittenAfterATruncationTheTailerDidNotSeeComeAfterTheCopy() throws {
        let folder = TemporaryFolder()
        let writer = AppendingWriter(folder("app.log"))
        let tailer = Tailer(pattern: folder("app.log*"), checkpoints: [])
        #expect(try tailer.lines() == [])  // app.log known, empty
        writer.write(numbered("l", 1...2))
        folder.copy("app.log", "app.log.1")
        folder.truncate("app.log")
        writer.write("m-1\n")
        folder.setModified("app.log.1", 5_000)
        folder.setModified("app.log", 5_001)
        #expect(try tailer.located() == ["app.log.1:1:l-1", "app.log.1:2:l-2", "app.log:1:m-1"])
    }

    @Test func aCopyOfAFileWhoseFirstLineIsLongerThanTheFingerprintIsNotReadTwice() throws {
        let folder = TemporaryFolder()
        let writer = AppendingWriter(folder("app.log"))
        let long = String(repeating: "x", count: 100)
        writer.write("a-\(long)\nb-\(long)\n")
        let tailer = Tailer(pattern: folder("app.log*"), checkpoints: [],
                            configuration: .init(readSize: 64, fingerprintBytes: 32))
        #expect(try tailer.lines() == ["a-\(long)", "b-\(long)"])
        folder.copy("app.log", "app.log.1")  // seen before the truncation: a copy, not a new file
        #expect(try tailer.lines() == [])
        folder.truncate("app.log")
        writer.write("m-1\n")
        #expect(try tailer.located() == ["app.log:1:m-1"])
    }

    /// Found by Reliability/rotation.py: the copy is made, driftd reads lines written after it,
    /// then the file is truncated. The copy is shorter than what was read, so it holds no unread
    /// line; it used to be taken for a new file and read again from its first line.
    @Test func aCopyMadeBeforeTheLastLinesReadIsNotReadAgain() throws {
        let folder = TemporaryFolder()
        let writer = AppendingWriter(folder("app.log"))
        writer.write(numbered("l", 1...10))
        let tailer = Tailer(pattern: folder("app.log*"), checkpoints: [])
        #expect(try tailer.lines() == names("l", 1...10))
        folder.copy("app.log", "app.log.1")
        #expect(try tailer.lines() == [])  // the copy follows app.log
        writer.write(numbered("l", 11...12))
        #expect(try tailer.lines() == names("l", 11...12))
        folder.truncate("app.log")
        writer.write("m-1\n")
        #expect(try tailer.located() == ["app.log:1:m-1"])
        writer.write("m-2\n")
        #expect(try tailer.lines() == ["m-2"])
        let restarted = try tailer.restarted()
        writer.write("m-3\n")
        #expect(try restarted.lines() == ["m-3"])
    }

    /// The same when the truncation happens while driftd is stopped: the copy comes back from its
    /// checkpoint as a copy of lines already handed out.
    @Test func aCopyOfLinesAlreadyReadIsNotReadAgainAfterARestart() throws {
        let folder = TemporaryFolder()
        let writer = AppendingWriter(folder("app.log"))
        writer.write(numbered("l", 1...10))
        let tailer = Tailer(pattern: folder("app.log*"), checkpoints: [])
        #expect(try tailer.lines() == names("l", 1...10))
        folder.copy("app.log", "app.log.1")
        writer.write(numbered("l", 11...12))
        #expect(try tailer.lines() == names("l", 11...12))
        let restarted = try tailer.restarted()
        folder.truncate("app.log")
        writer.write("m-1\n")
        let located = try restarted.located()
        #expect(located == ["app.log:1:m-1"], "\(located) \(restarted.takeNotices())")
    }

    /// A file that began like the truncated one (so it followed it) but holds a line it never had
    /// is read.
    @Test func aFileThatBeginsLikeTheTruncatedOneButDiffersIsRead() throws {
        let folder = TemporaryFolder()
        let writer = AppendingWriter(folder("app.log"))
        writer.write(numbered("l", 1...3))
        let tailer = Tailer(pattern: folder("app.log*"), checkpoints: [])
        #expect(try tailer.lines() == names("l", 1...3))
        folder.append("app.log.1", numbered("l", 1...3) + "x-4\n")
        let none = try tailer.lines()
        #expect(none == [], "\(none)")  // follows app.log: it begins with its lines
        writer.write(numbered("l", 4...5))
        #expect(try tailer.lines() == names("l", 4...5))
        folder.truncate("app.log")
        writer.write("m-1\n")
        let lines = try tailer.lines()
        #expect(lines == ["l-1", "l-2", "l-3", "x-4", "m-1"], "\(lines)")
    }
}
