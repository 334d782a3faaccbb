import DriftEngine
import Testing

/// Which rows form each window, and when it completes (CONTRACT.md §2).
struct WindowPlannerTests {
    @Test func countWindowsTumble() {
        var planner = WindowPlanner(window: .count(size: 3, step: 3))
        var completed: [[Int]] = []
        for _ in 0..<10 { completed += planner.add(timestamp: .nan).completed.map(\.rows) }
        #expect(completed == [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    }

    @Test func countWindowsHopWithStep() {
        var planner = WindowPlanner(window: .count(size: 4, step: 2))
        var spans: [WindowPlanner.Span] = []
        for _ in 0..<9 {
            spans += planner.add(timestamp: .nan).completed
            let drop = planner.droppableRows
            planner.dropped(drop)
        }
        #expect(spans.map(\.index) == [0, 1, 2])
        // Positions are relative to the buffer after dropping: each window starts where the buffer does.
        #expect(spans.map(\.rows) == [[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]])
        #expect(planner.bufferBase == 6)
    }

    @Test func timeWindowsCompleteOnARecordAtOrAfterTheirEnd() {
        var planner = WindowPlanner(window: .time(duration: 10, step: 10))
        #expect(planner.add(timestamp: 101).completed.isEmpty)   // t0 = 100
        #expect(planner.add(timestamp: 109.9).completed.isEmpty)
        let first = planner.add(timestamp: 110)                  // at the end: completes [100, 110)
        #expect(first.completed.map(\.rows) == [[0, 1]])
        #expect(first.completed.first?.bounds?.start == 100)
        #expect(planner.add(timestamp: 105).accepted == false)   // late
        let jump = planner.add(timestamp: 145)                    // [110,120) completes; 120-140 empty, skipped
        #expect(jump.completed.map(\.index) == [1])
        #expect(planner.nextIndex == 4)
        #expect(planner.lateRecords == 1)
        #expect(planner.add(timestamp: .nan).accepted == false)
        #expect(planner.recordsWithoutTime == 1)
    }

    @Test func hoppingTimeWindowsShareRecords() {
        var planner = WindowPlanner(window: .time(duration: 20, step: 10))
        var spans: [WindowPlanner.Span] = []
        for t in [100.0, 105, 112, 118, 125, 131, 160] { spans += planner.add(timestamp: t).completed }
        // [100,120) [110,130) [120,140) [130,150); [140,160) is empty and not reported.
        #expect(spans.map(\.index) == [0, 1, 2, 3])
        #expect(spans.map(\.rows.count) == [4, 3, 2, 1])
    }

    @Test func aHugeTimeGapDoesNotLoopOverEmptyWindows() {
        var planner = WindowPlanner(window: .time(duration: 1, step: 1))
        _ = planner.add(timestamp: 0)
        let result = planner.add(timestamp: 1e12)
        #expect(result.completed.count == 1)
        #expect(planner.nextIndex == 1_000_000_000_000)
    }
}
