/// Prediction records stored by column: what a window's statistics read.
///
/// Numerical values are `Double`s with NaN for missing; categories and classes are ids from the
/// monitor's `CategoryDictionary`s, with -1 for missing.
public final class RecordColumns: @unchecked Sendable {
    public private(set) var count = 0
    public var ids: [String] = []
    /// Seconds since the Unix epoch; NaN when the record has no valid timestamp.
    public var timestamps: [Double] = []
    /// Each row's 0-based index in the prediction stream.
    public var streamIndexes: [Int] = []
    /// One column per numerical feature, in `RecordLayout.numericalFeatures` order.
    public var numerical: [[Double]]
    /// One column per categorical feature, in `RecordLayout.categoricalFeatures` order.
    public var categorical: [[Int32]]
    /// The prediction as a number (regression); NaN when missing or not a number.
    public var prediction: [Double] = []
    /// The predicted class id (classification); -1 when missing.
    public var predictedClass: [Int32] = []
    /// The score (probability of the positive class); NaN when missing.
    public var score: [Double] = []

    public init(numericalCount: Int, categoricalCount: Int) {
        numerical = Array(repeating: [], count: numericalCount)
        categorical = Array(repeating: [], count: categoricalCount)
    }

    /// Appends one parsed row.
    func append(_ row: RecordRow, streamIndex: Int) {
        ids.append(row.id)
        timestamps.append(row.timestamp)
        streamIndexes.append(streamIndex)
        for i in numerical.indices { numerical[i].append(row.numerical[i]) }
        for i in categorical.indices { categorical[i].append(row.categorical[i]) }
        prediction.append(row.prediction)
        predictedClass.append(row.predictedClass)
        score.append(row.score)
        count += 1
    }

    /// Drops the first `n` rows (rows no open window needs any more).
    public func removeFirst(_ n: Int) {
        guard n > 0 else { return }
        ids.removeFirst(n)
        timestamps.removeFirst(n)
        streamIndexes.removeFirst(n)
        for i in numerical.indices { numerical[i].removeFirst(n) }
        for i in categorical.indices { categorical[i].removeFirst(n) }
        prediction.removeFirst(n)
        predictedClass.removeFirst(n)
        score.removeFirst(n)
        count -= n
    }
}

/// One record being parsed; committed to `RecordColumns` only when the whole line is valid.
/// The feature values live in storage the parser allocates once (`deallocate()` frees it).
struct RecordRow {
    var id = ""
    var timestamp = Double.nan
    let numerical: UnsafeMutableBufferPointer<Double>
    let categorical: UnsafeMutableBufferPointer<Int32>
    var prediction = Double.nan
    var predictedClass: Int32 = -1
    var score = Double.nan

    init(numericalCount: Int, categoricalCount: Int) {
        numerical = .allocate(capacity: numericalCount)
        numerical.initialize(repeating: .nan)
        categorical = .allocate(capacity: categoricalCount)
        categorical.initialize(repeating: -1)
    }

    func deallocate() {
        numerical.deallocate()
        categorical.deallocate()
    }

    @inline(__always)
    mutating func reset() {
        id = ""
        timestamp = .nan
        for i in numerical.indices { numerical[i] = .nan }
        for i in categorical.indices { categorical[i] = -1 }
        prediction = .nan
        predictedClass = -1
        score = .nan
    }
}
