@testable import DriftIngest
import Foundation
import Glibc
import Testing

/// Restarting from checkpoints: each line once, rotated files found by inode, offsets not trusted
/// when the content does not agree.
struct CheckpointTests {
    @Test func restartFromCheckpointsReadsEachLineOnce() throws {
        let folder = TemporaryFolder()
        folder.append("a.log", numbered("a", 1...3))
        folder.append("b.log", numbered("b", 1...2) + "b-3 part")
        folder.setModified("a.log", 1_000)
        folder.setModified("b.log", 2_000)
        let tailer = Tailer(pattern: folder("*.log"), checkpoints: [])
        #expect(try tailer.lines(limit: 4) == names("a", 1...3) + ["b-1"])
        let restarted = try tailer.restarted()
        #expect(restarted.checkpoints == tailer.checkpoints, "no file is touched before the first poll")
        folder.append("b.log", "ial\n")
        #expect(try restarted.located() == ["b.log:2:b-2", "b.log:3:b-3 partial"])
        #expect(restarted.takeNotices() == [])
    }

    @Test func restartFindsAFileRotatedWhileDownByItsInode() throws {
        let folder = TemporaryFolder()
        folder.append("app.log", numbered("l", 1...2))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        #expect(try tailer.lines() == names("l", 1...2))
        let checkpoints = tailer.checkpoints
        // Down: more lines, then a rotation by rename to a name the pattern does not match.
        folder.append("app.log", numbered("l", 3...4))
        folder.rename("app.log", "app.log.1")
        folder.append("app.log", "l-5\n")
        let restarted = Tailer(pattern: folder("app.log"), checkpoints: checkpoints)
        #expect(try restarted.located() == ["app.log.1:3:l-3", "app.log.1:4:l-4", "app.log:1:l-5"])
        #expect(restarted.takeNotices() == [])
    }

    @Test func inodeReuseWithOtherContentReadsFromZero() throws {
        let folder = TemporaryFolder()
        folder.append("app.log", numbered("other", 1...3))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        _ = try tailer.lines()
        // A checkpoint of an earlier file that had this inode: same length, other first bytes.
        var stale = tailer.checkpoints[0]
        stale.fingerprint ^= 1
        let restarted = Tailer(pattern: folder("app.log"), checkpoints: [stale])
        #expect(try restarted.lines() == names("other", 1...3))
        #expect(restarted.takeNotices().map(\.kind) == [.fingerprintChanged])
    }

    @Test func bytesBeforeTheOffsetThatDifferMeanTheFileWasRewritten() throws {
        let folder = TemporaryFolder()
        folder.append("app.log", numbered("l", 1...3))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        _ = try tailer.lines(limit: 2)
        var stale = tailer.checkpoints[0]
        stale.tailHash ^= 1
        let restarted = Tailer(pattern: folder("app.log"), checkpoints: [stale])
        #expect(try restarted.lines() == names("l", 1...3))
        #expect(restarted.takeNotices().map(\.kind) == [.contentChanged])
    }

    @Test func aCheckpointBeyondTheEndOfTheFileReadsItFromZero() throws {
        let folder = TemporaryFolder()
        folder.append("app.log", numbered("l", 1...3))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        _ = try tailer.lines()
        let checkpoints = tailer.checkpoints
        folder.truncate("app.log")
        folder.append("app.log", "m-1\n")
        let restarted = Tailer(pattern: folder("app.log"), checkpoints: checkpoints)
        #expect(try restarted.lines() == ["m-1"])
        #expect(restarted.takeNotices().map(\.kind) == [.checkpointBeyondEnd])
    }

    @Test func copytruncateWhileDownResumesFromTheCopy() throws {
        let folder = TemporaryFolder()
        folder.append("app.log", numbered("l", 1...3))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        _ = try tailer.lines(limit: 2)
        let checkpoints = tailer.checkpoints
        folder.append("app.log", "l-4\n")
        folder.copy("app.log", "app.log-20261122")
        folder.truncate("app.log")
        folder.append("app.log", numbered("m", 1...9))
        let restarted = Tailer(pattern: folder("app.log"), checkpoints: checkpoints)
        #expect(try restarted.located() == ["app.log-20261122:3:l-3", "app.log-20261122:4:l-4"]
                + (1...9).map { "app.log:\($0):m-\($0)" })
        #expect(restarted.takeNotices().map(\.kind) == [.fingerprintChanged, .resumedFromCopy])
    }

    @Test func aMissingCheckpointedFileIsReportedAndPruned() throws {
        let folder = TemporaryFolder()
        folder.append("app.log", numbered("l", 1...3))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        _ = try tailer.lines()
        let checkpoints = tailer.checkpoints
        folder.remove("app.log")
        let restarted = Tailer(pattern: folder("app.log"), checkpoints: checkpoints)
        #expect(try restarted.lines() == [])
        #expect(restarted.takeNotices().map(\.kind) == [.checkpointedFileMissing])
        #expect(restarted.checkpoints == [])
    }

    @Test func checkpointsSurviveJSON() throws {
        let checkpoint = FileCheckpoint(device: 1, inode: 2, fingerprint: 3, fingerprintLength: 4, offset: 5, lineNumber: 6,
                                        path: "/x", tailHash: 7, tailLength: 8, copyOf: FileIdentity(device: 1, inode: 9))
        let decoded = try JSONDecoder().decode(FileCheckpoint.self, from: JSONEncoder().encode(checkpoint))
        #expect(decoded == checkpoint)
    }
}
