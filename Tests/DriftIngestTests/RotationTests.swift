@testable import DriftIngest
import Foundation
import Glibc
import Testing

/// Rotation by rename, copytruncate, truncation, deletion: each line handed out once.
struct RotationTests {
    @Test func rotateByRenameReadsOldFileToEnd() throws {
        let folder = TemporaryFolder()
        let clock = ManualClock()
        let writer = AppendingWriter(folder("app.log"))
        writer.write(numbered("l", 1...3))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [], configuration: .init(now: clock.now))
        #expect(try tailer.lines() == names("l", 1...3))
        // logrotate's `create`: rename, new empty file; the writer writes on to the old one until it reopens.
        folder.rename("app.log", "app.log.1")
        folder.append("app.log", "")
        writer.write(numbered("l", 4...5))
        #expect(try tailer.located() == ["app.log.1:4:l-4", "app.log.1:5:l-5"])
        writer.write("l-6\n")
        writer.reopen(folder("app.log"))
        writer.write(numbered("l", 7...8))
        #expect(try tailer.located() == ["app.log.1:6:l-6", "app.log:1:l-7", "app.log:2:l-8"])
        #expect(tailer.checkpoints.map(\.path) == [folder("app.log.1"), folder("app.log")])
        #expect(folder.openDescriptors == 2 + 1)  // the writer's too
        // Idle for rotateWait: the rotated file is closed and its checkpoint pruned.
        clock.advance(.seconds(5))
        #expect(try tailer.lines() == [])
        #expect(tailer.checkpoints.map(\.path) == [folder("app.log")])
        #expect(folder.openDescriptors == 1 + 1)
        #expect(tailer.takeNotices() == [])
    }

    @Test func aFileIdleBeforeItsRotationIsKeptOpenForRotateWaitAfterIt() throws {
        let folder = TemporaryFolder()
        let clock = ManualClock()
        let writer = AppendingWriter(folder("app.log"))
        writer.write("l-1\n")
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [], configuration: .init(now: clock.now))
        #expect(try tailer.lines() == ["l-1"])
        clock.advance(.seconds(60))  // a quiet writer
        folder.rename("app.log", "app.log.1")
        folder.append("app.log", "")
        #expect(try tailer.lines() == [])
        writer.write("l-2\n")  // before it reopens
        #expect(try tailer.located() == ["app.log.1:2:l-2"])
        clock.advance(.seconds(5))
        #expect(try tailer.lines() == [])
        #expect(tailer.checkpoints.map(\.path) == [folder("app.log")])
    }

    @Test func aRotatedNameThatMatchesThePatternIsNotReadAgain() throws {
        let folder = TemporaryFolder()
        folder.append("app.log", numbered("l", 1...3))
        let tailer = Tailer(pattern: folder("app.log*"), checkpoints: [])
        #expect(try tailer.lines() == names("l", 1...3))
        folder.rename("app.log", "app.log.1")
        folder.append("app.log", numbered("l", 4...5))
        #expect(try tailer.located() == ["app.log:1:l-4", "app.log:2:l-5"])
        folder.rename("app.log.1", "app.log.2")
        folder.rename("app.log", "app.log.1")
        folder.append("app.log", "l-6\n")
        #expect(try tailer.located() == ["app.log:1:l-6"])
        #expect(tailer.checkpoints.map(\.path) == [folder("app.log.2"), folder("app.log.1"), folder("app.log")])
        // After a restart too.
        let restarted = try tailer.restarted()
        folder.append("app.log", "l-7\n")
        #expect(try restarted.located() == ["app.log:2:l-7"])
    }

    @Test func deletionReadsTheOpenDescriptorToItsEndThenDropsIt() throws {
        let folder = TemporaryFolder()
        let writer = AppendingWriter(folder("app.log"))
        writer.write(numbered("l", 1...2))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        #expect(try tailer.lines() == names("l", 1...2))
        writer.write("l-3\n")
        folder.remove("app.log")
        #expect(try tailer.lines() == ["l-3"])
        #expect(tailer.checkpoints == [])
        #expect(tailer.lag == [])
    }

    @Test func deleteAndRecreateReadsTheNewFileFromZero() throws {
        let folder = TemporaryFolder()
        folder.append("app.log", numbered("old", 1...3))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        #expect(try tailer.lines() == names("old", 1...3))
        folder.remove("app.log")
        folder.append("app.log", numbered("new", 1...2))
        #expect(try tailer.located() == ["app.log:1:new-1", "app.log:2:new-2"])
        #expect(tailer.checkpoints.count == 1)
    }

    @Test func copytruncateRestartsAtZero() throws {
        let folder = TemporaryFolder()
        let writer = AppendingWriter(folder("app.log"))
        writer.write(numbered("l", 1...3))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        #expect(try tailer.lines() == names("l", 1...3))
        folder.truncate("app.log")  // `> app.log`: no copy to recover from
        writer.write("m-1\n")
        #expect(try tailer.located() == ["app.log:1:m-1"])
        #expect(tailer.takeNotices().map(\.kind) == [.truncated])
    }

    @Test func copytruncateResumesTheUnreadLinesFromTheCopy() throws {
        let folder = TemporaryFolder()
        let writer = AppendingWriter(folder("app.log"))
        writer.write(numbered("l", 1...3))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        #expect(try tailer.lines() == names("l", 1...3))
        writer.write(numbered("l", 4...5) + "l-6 partial")
        folder.copy("app.log", "app.log.1")
        folder.truncate("app.log")
        writer.write("\nm-1\n")  // what a writer in the middle of a line leaves: the line's end
        #expect(try tailer.located() == ["app.log.1:4:l-4", "app.log.1:5:l-5", "app.log:1:", "app.log:2:m-1"])
        #expect(tailer.takeNotices().map(\.kind) == [.truncated, .resumedFromCopy])
        #expect(tailer.checkpoints.map(\.path) == [folder("app.log.1"), folder("app.log")])
    }

    @Test func aCopyMatchingThePatternWaitsForItsOriginalAndIsNotReadTwice() throws {
        let folder = TemporaryFolder()
        let writer = AppendingWriter(folder("app.log"))
        writer.write(numbered("l", 1...3))
        let tailer = Tailer(pattern: folder("app.log*"), checkpoints: [])
        #expect(try tailer.lines() == names("l", 1...3))
        writer.write("l-4\n")
        folder.copy("app.log", "app.log.1")  // seen before the truncation
        #expect(try tailer.located() == ["app.log:4:l-4"])
        #expect(tailer.checkpoints.last?.copyOf == FileIdentity(device: tailer.checkpoints[0].device, inode: tailer.checkpoints[0].inode))
        writer.write("l-5\n")  // not in the copy
        folder.truncate("app.log")
        writer.write("m-1\n")
        #expect(try tailer.located() == ["app.log:1:m-1"])  // l-5 is copytruncate's own loss
        #expect(tailer.takeNotices().map(\.kind) == [.truncated, .resumedFromCopy])
        #expect(tailer.checkpoints.map(\.path) == [folder("app.log.1"), folder("app.log")])
        #expect(tailer.checkpoints.map(\.copyOf) == [nil, nil])
    }

    @Test func truncatedAndWrittenPastTheOffsetBetweenPollsIsDetected() throws {
        let folder = TemporaryFolder()
        folder.append("app.log", numbered("l", 1...3))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        #expect(try tailer.lines() == names("l", 1...3))
        folder.truncate("app.log")
        folder.append("app.log", numbered("m", 1...5))
        #expect(try tailer.located() == ["app.log:1:m-1", "app.log:2:m-2", "app.log:3:m-3", "app.log:4:m-4", "app.log:5:m-5"])
        #expect(tailer.takeNotices().map(\.kind) == [.rewritten])
    }
}
