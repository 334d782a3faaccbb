@testable import DriftIngest
import Foundation
import Testing

/// Tailing one or several files in a temporary folder: lines, order, limits, long lines, lag.
struct TailerTests {
    @Test func readsCompleteLinesWithTheirFileAndNumber() throws {
        let folder = TemporaryFolder()
        folder.append("app.log", "a\nb\n\nc\n")
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        #expect(try tailer.located() == ["app.log:1:a", "app.log:2:b", "app.log:3:", "app.log:4:c"])
        #expect(try tailer.lines() == [])
    }

    @Test func partialLastLineWaits() throws {
        let folder = TemporaryFolder()
        folder.append("app.log", "first\nsec")
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        #expect(try tailer.lines() == ["first"])
        #expect(tailer.checkpoints.map(\.offset) == [6])
        #expect(tailer.lag.map(\.unreadBytes) == [3])
        folder.append("app.log", "ond")
        #expect(try tailer.lines() == [])
        folder.append("app.log", "\nthird\n")
        #expect(try tailer.located() == ["app.log:2:second", "app.log:3:third"])
        #expect(tailer.lag.map(\.unreadBytes) == [0])
    }

    @Test func limitStopsAndTheNextPollContinues() throws {
        let folder = TemporaryFolder()
        folder.append("app.log", numbered("l", 1...10))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [])
        #expect(try tailer.lines(limit: 3) == names("l", 1...3))
        #expect(tailer.checkpoints.map(\.lineNumber) == [3])
        #expect(tailer.lag.map(\.unreadBytes) == [Int64(numbered("l", 4...10).utf8.count)])
        #expect(try tailer.lines(limit: 0) == [])
        #expect(try tailer.lines(limit: 5) == names("l", 4...8))
        #expect(try tailer.lines() == names("l", 9...10))
    }

    @Test func tooLongLinesAreSkippedWithoutBufferingAndCounted() throws {
        let folder = TemporaryFolder()
        let configuration = Tailer.Configuration(maximumLineLength: 64, readSize: 16)
        folder.append("app.log", "short\n" + String(repeating: "x", count: 64) + "\n" + String(repeating: "y", count: 63) + "\n")
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [], configuration: configuration)
        #expect(try tailer.located() == ["app.log:1:short", "app.log:2:<tooLong 64>", "app.log:3:" + String(repeating: "y", count: 63)])
        // A long line written in pieces, across polls: skipped once it ends, the next line read.
        folder.append("app.log", String(repeating: "z", count: 100))
        #expect(try tailer.lines() == [])
        folder.append("app.log", String(repeating: "z", count: 100))
        #expect(try tailer.lines() == [])
        folder.append("app.log", "zz\nafter\n")
        #expect(try tailer.located() == ["app.log:4:<tooLong 202>", "app.log:5:after"])
        #expect(tailer.scratch.count == 16, "the buffer goes back to the read size")
        // The checkpoint after a skipped line is trusted on restart.
        let restarted = try tailer.restarted(configuration: configuration)
        folder.append("app.log", "last\n")
        #expect(try restarted.located() == ["app.log:6:last"])
        #expect(restarted.takeNotices() == [])
    }

    @Test func filesAreReadOldestFirstThenNewFilesAsTheyAppear() throws {
        let folder = TemporaryFolder()
        folder.append("b.jsonl", "b1\n")
        folder.append("a.jsonl", "a1\n")
        folder.append("c.jsonl", "c1\n")
        folder.setModified("b.jsonl", 1_000)
        folder.setModified("a.jsonl", 2_000)
        folder.setModified("c.jsonl", 2_000)
        folder.append("other.txt", "not matched\n")
        let tailer = Tailer(pattern: folder("*.jsonl"), checkpoints: [])
        #expect(try tailer.lines() == ["b1", "a1", "c1"])
        folder.append("d.jsonl", "d1\n")
        folder.append("b.jsonl", "b2\n")
        #expect(try tailer.lines() == ["b2", "d1"])
        #expect(tailer.checkpoints.map { ($0.path as NSString).lastPathComponent } == ["b.jsonl", "a.jsonl", "c.jsonl", "d.jsonl"])
    }

    @Test func lagCountsUnreadBytesAndTheTimeSinceCaughtUp() throws {
        let folder = TemporaryFolder()
        let clock = ManualClock()
        folder.append("app.log", numbered("l", 1...4))
        let tailer = Tailer(pattern: folder("app.log"), checkpoints: [], configuration: .init(now: clock.now))
        _ = try tailer.lines(limit: 1)
        clock.advance(.seconds(3))
        #expect(tailer.lag == [FileLag(path: folder("app.log"), unreadBytes: 12, seconds: 3)])
        _ = try tailer.lines()
        #expect(tailer.lag == [FileLag(path: folder("app.log"), unreadBytes: 0, seconds: 0)])
    }

    @Test func descriptorsAreClosedWhenTheTailerIsDropped() throws {
        let folder = TemporaryFolder()
        folder.append("a.log", "a\n")
        folder.append("b.log", "b\n")
        do {
            let tailer = Tailer(pattern: folder("*.log"), checkpoints: [])
            #expect(try Set(tailer.lines()) == ["a", "b"])
            #expect(folder.openDescriptors == 2)
        }
        #expect(folder.openDescriptors == 0)
    }

    @Test func aFileThatCannotBeOpenedIsReportedWithItsPathAndDoesNotHoldUpTheOthers() throws {
        guard getuid() != 0 else { return }  // root opens anything
        let folder = TemporaryFolder()
        folder.append("a.log", "a\n")
        folder.append("b.log", "b\n")
        chmod(folder("b.log"), 0)
        let tailer = Tailer(pattern: folder("*.log"), checkpoints: [])
        var lines: [String] = []
        #expect {
            _ = try tailer.poll(limit: 10) { line in
                if case .complete(let bytes, _, _) = line { lines.append(String(decoding: bytes, as: UTF8.self)) }
            }
        } throws: { error in
            (error as? IngestError)?.code == .open && (error as? IngestError)?.path == folder("b.log")
        }
        #expect(lines == ["a"])
        chmod(folder("b.log"), 0o644)
        #expect(try tailer.lines() == ["b"])
    }
}
