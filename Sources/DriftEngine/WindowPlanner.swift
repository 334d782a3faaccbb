public import DriftRules

/// Decides which buffered rows make up each window and when a window is complete
/// (CONTRACT.md §2): a pure state machine fed one row at a time.
///
/// Count window k holds the records `[k*step, k*step + size)` after the reference and completes
/// with its last record. Time window k is `[t0 + k*step, t0 + k*step + duration)`, t0 the first
/// record's time floored to a multiple of `step` since the epoch (equal to `duration` for tumbling
/// windows); it completes once a record at or after its end is read. Time windows with no records
/// are skipped (their index is not reported). A record older than every open time window is late.
public struct WindowPlanner: Sendable {
    /// A complete window: its index, the rows (positions in the row buffer) it holds, and its bounds.
    public struct Span: Sendable, Equatable {
        public var index: Int
        public var rows: [Int]
        /// Time windows: the window's bounds. Count windows: nil.
        public var bounds: (start: Double, end: Double)?

        public static func == (a: Span, b: Span) -> Bool {
            a.index == b.index && a.rows == b.rows && a.bounds?.start == b.bounds?.start && a.bounds?.end == b.bounds?.end
        }
    }

    public let window: MonitorRule.Window
    /// Rows seen so far (positions are relative to the buffer start `bufferBase`).
    private var rowCount = 0
    /// The absolute position of buffer row 0 (rows before it were dropped).
    public private(set) var bufferBase = 0
    /// The next window to complete.
    public private(set) var nextIndex = 0
    /// Time windows: t0, and each buffered row's time.
    private var origin: Double?
    private var rowTimes: [Double] = []
    /// Records that came too late for any open time window, or had no usable timestamp.
    public private(set) var lateRecords = 0
    public private(set) var recordsWithoutTime = 0

    public init(window: MonitorRule.Window) {
        self.window = window
    }

    /// Adds the next row (at buffer position `rowCount - bufferBase`) and returns the windows it completes.
    /// `accepted` is false when the row belongs to no window (late, or without a timestamp).
    public mutating func add(timestamp: Double) -> (completed: [Span], accepted: Bool) {
        switch window {
        case .count(let size, let step):
            rowCount += 1
            rowTimes.append(timestamp)
            var completed: [Span] = []
            while nextIndex * step + size <= rowCount {
                let first = nextIndex * step
                completed.append(Span(index: nextIndex, rows: Array((first - bufferBase)..<(first + size - bufferBase)), bounds: nil))
                nextIndex += 1
            }
            return (completed, true)
        case .time(let duration, let step):
            guard timestamp.isFinite else {
                recordsWithoutTime += 1
                return ([], false)
            }
            let origin = self.origin ?? (timestamp / step).rounded(.down) * step
            self.origin = origin
            var completed: [Span] = []
            while true {
                let start = origin + Double(nextIndex) * step
                let end = start + duration
                guard end <= timestamp else { break }
                let rows = rowTimes.indices.filter { rowTimes[$0] >= start && rowTimes[$0] < end }
                if !rows.isEmpty {
                    completed.append(Span(index: nextIndex, rows: rows, bounds: (start, end)))
                    nextIndex += 1
                    continue
                }
                // Skip empty windows in one step: jump to the first window that could hold a buffered row
                // or the new record.
                let earliest = rowTimes.filter { $0 >= start }.min() ?? timestamp
                let jump = Int(((earliest - origin - duration) / step).rounded(.down)) + 1
                nextIndex = max(nextIndex + 1, jump)
            }
            let openStart = origin + Double(nextIndex) * step
            guard timestamp >= openStart else {
                lateRecords += 1
                return (completed, false)
            }
            rowCount += 1
            rowTimes.append(timestamp)
            return (completed, true)
        }
    }

    /// How many buffered rows no open window needs any more; call `dropped(_:)` after removing them.
    public var droppableRows: Int {
        switch window {
        case .count(_, let step):
            return max(0, min(nextIndex * step, rowCount) - bufferBase)
        case .time(_, let step):
            guard let origin else { return 0 }
            let openStart = origin + Double(nextIndex) * step
            // Rows are in arrival order; drop the leading run that lies before every open window.
            return rowTimes.prefix { $0 < openStart }.count
        }
    }

    /// Records that `n` leading buffer rows were removed.
    public mutating func dropped(_ n: Int) {
        bufferBase += n
        rowTimes.removeFirst(n)
    }
}
