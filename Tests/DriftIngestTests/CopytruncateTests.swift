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
}
