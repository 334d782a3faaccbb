@testable import DriftIngest
import Foundation
import Glibc
import Testing

/// inotify wake-ups: a change in a watched folder or `wake()` ends `wait` long before its timeout.
struct FileWatcherTests {
    @Test func aWriteFromAnotherThreadWakesWaitWellBeforeItsTimeout() throws {
        let folder = TemporaryFolder()
        let watcher = try FileWatcher(patterns: [folder("*.jsonl")])
        #expect(watcher.watchedFolders == [folder.path])
        let path = folder("a.jsonl")
        let start = ContinuousClock.now
        Thread.detachNewThread { TemporaryFolder.appendBytes(path, "x\n") }
        #expect(watcher.wait(timeout: .seconds(30)))
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func wakeFromAnotherThreadReturnsWait() throws {
        let folder = TemporaryFolder()
        let watcher = try FileWatcher(patterns: [folder("*.jsonl")])
        let start = ContinuousClock.now
        Thread.detachNewThread { watcher.wake() }
        #expect(watcher.wait(timeout: .seconds(30)))
        #expect(ContinuousClock.now - start < .seconds(10))
        // Woken once: the next wait times out.
        #expect(!watcher.wait(timeout: .milliseconds(20)))
    }

    @Test func renamesAndDeletionsWakeToo() throws {
        let folder = TemporaryFolder()
        folder.append("a.jsonl", "x\n")
        let watcher = try FileWatcher(patterns: [folder("a.jsonl")])
        folder.rename("a.jsonl", "a.jsonl.1")
        #expect(watcher.wait(timeout: .seconds(30)))
        folder.remove("a.jsonl.1")
        #expect(watcher.wait(timeout: .seconds(30)))
        #expect(!watcher.wait(timeout: .milliseconds(20)))
    }

    @Test func aFolderCreatedLaterIsWatchedOnceItExistsAndWatchReplacesTheFolders() throws {
        let folder = TemporaryFolder()
        let watcher = try FileWatcher(patterns: [folder("later/*.jsonl")])
        #expect(watcher.watchedFolders == [])
        try FileManager.default.createDirectory(atPath: folder("later"), withIntermediateDirectories: false)
        #expect(!watcher.wait(timeout: .milliseconds(1)))  // looks for it again, now watched
        #expect(watcher.watchedFolders == [folder("later")])
        folder.append("later/a.jsonl", "x\n")
        #expect(watcher.wait(timeout: .seconds(30)))
        watcher.watch(patterns: [folder("*.jsonl")])
        #expect(watcher.watchedFolders == [folder.path])
    }
}

extension TemporaryFolder {
    /// Appends to a path from any thread.
    static func appendBytes(_ path: String, _ text: String) {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        precondition(descriptor >= 0)
        writeAll(descriptor, Array(text.utf8))
        close(descriptor)
    }
}
