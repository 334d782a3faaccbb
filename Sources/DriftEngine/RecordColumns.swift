/// Prediction records stored by column: what a window's statistics read.
///
/// Numerical values are `Double`s with NaN for missing; categories and classes are ids from the
/// monitor's `CategoryDictionary`s, with -1 for missing.
///
/// Rows are committed in blocks: `append` writes a row into a small column-major block, and a full
/// block goes into the columns with one bulk append per column (a per-row append to 14 arrays cost
/// more than parsing half the line). Reading any column completes the pending block first, so
/// readers always see every appended row.
public final class RecordColumns: @unchecked Sendable {
    /// Rows appended so far (pending ones included).
    public private(set) var count = 0
    public var ids: [String] { complete(); return storedIDs }
    /// Seconds since the Unix epoch; NaN when the record has no valid timestamp.
    public var timestamps: [Double] { complete(); return storedTimestamps }
    /// Each row's 0-based index in the prediction stream.
    public var streamIndexes: [Int] { complete(); return storedStreamIndexes }
    /// One column per numerical feature, in `RecordLayout.numericalFeatures` order.
    public var numerical: [[Double]] { complete(); return storedNumerical }
    /// One column per categorical feature, in `RecordLayout.categoricalFeatures` order.
    public var categorical: [[Int32]] { complete(); return storedCategorical }
    /// The prediction as a number (regression); NaN when missing or not a number.
    public var prediction: [Double] { complete(); return storedPrediction }
    /// The predicted class id (classification); -1 when missing.
    public var predictedClass: [Int32] { complete(); return storedPredictedClass }
    /// The score (probability of the positive class); NaN when missing.
    public var score: [Double] { complete(); return storedScore }

    private var storedIDs: [String] = []
    private var storedTimestamps: [Double] = []
    private var storedStreamIndexes: [Int] = []
    private var storedNumerical: [[Double]]
    private var storedCategorical: [[Int32]]
    private var storedPrediction: [Double] = []
    private var storedPredictedClass: [Int32] = []
    private var storedScore: [Double] = []

    /// Rows per block.
    static let blockSize = 64
    private let numericalCount: Int
    private let categoricalCount: Int
    /// The pending block, column by column: the numerical columns, then timestamps, predictions
    /// and scores (`blockSize` values each); the categorical columns, then predicted classes.
    private let pendingDoubles: UnsafeMutablePointer<Double>
    private let pendingInt32s: UnsafeMutablePointer<Int32>
    private let pendingStreamIndexes: UnsafeMutablePointer<Int>
    private var pendingIDs: [String] = []
    private var pending = 0

    public init(numericalCount: Int, categoricalCount: Int) {
        self.numericalCount = numericalCount
        self.categoricalCount = categoricalCount
        storedNumerical = Array(repeating: [], count: numericalCount)
        storedCategorical = Array(repeating: [], count: categoricalCount)
        pendingDoubles = .allocate(capacity: (numericalCount + 3) * Self.blockSize)
        pendingInt32s = .allocate(capacity: (categoricalCount + 1) * Self.blockSize)
        pendingStreamIndexes = .allocate(capacity: Self.blockSize)
        pendingIDs.reserveCapacity(Self.blockSize)
    }

    deinit {
        pendingDoubles.deallocate()
        pendingInt32s.deallocate()
        pendingStreamIndexes.deallocate()
    }

    /// Appends one parsed row.
    @inline(__always)
    func append(_ row: RecordRow, streamIndex: Int) {
        let k = pending
        let size = Self.blockSize
        var doubles = pendingDoubles + k
        for i in 0..<numericalCount {
            doubles.pointee = row.numerical[i]
            doubles += size
        }
        doubles.pointee = row.timestamp
        doubles[size] = row.prediction
        doubles[2 &* size] = row.score
        var int32s = pendingInt32s + k
        for i in 0..<categoricalCount {
            int32s.pointee = row.categorical[i]
            int32s += size
        }
        int32s.pointee = row.predictedClass
        pendingStreamIndexes[k] = streamIndex
        pendingIDs.append(row.id)
        pending = k &+ 1
        count &+= 1
        if pending == size { completeBlock() }
    }

    /// Moves the pending rows into the columns.
    @inline(__always)
    private func complete() {
        if pending > 0 { completeBlock() }
    }

    @inline(never)
    private func completeBlock() {
        let k = pending
        let size = Self.blockSize
        func column<T>(_ base: UnsafeMutablePointer<T>, _ index: Int) -> UnsafeBufferPointer<T> {
            UnsafeBufferPointer(start: base + index * size, count: k)
        }
        for i in 0..<numericalCount { storedNumerical[i].append(contentsOf: column(pendingDoubles, i)) }
        storedTimestamps.append(contentsOf: column(pendingDoubles, numericalCount))
        storedPrediction.append(contentsOf: column(pendingDoubles, numericalCount + 1))
        storedScore.append(contentsOf: column(pendingDoubles, numericalCount + 2))
        for i in 0..<categoricalCount { storedCategorical[i].append(contentsOf: column(pendingInt32s, i)) }
        storedPredictedClass.append(contentsOf: column(pendingInt32s, categoricalCount))
        storedStreamIndexes.append(contentsOf: UnsafeBufferPointer(start: pendingStreamIndexes, count: k))
        storedIDs.append(contentsOf: pendingIDs)
        pendingIDs.removeAll(keepingCapacity: true)
        pending = 0
    }

    /// Drops the first `n` rows (rows no open window needs any more).
    public func removeFirst(_ n: Int) {
        guard n > 0 else { return }
        complete()
        storedIDs.removeFirst(n)
        storedTimestamps.removeFirst(n)
        storedStreamIndexes.removeFirst(n)
        for i in storedNumerical.indices { storedNumerical[i].removeFirst(n) }
        for i in storedCategorical.indices { storedCategorical[i].removeFirst(n) }
        storedPrediction.removeFirst(n)
        storedPredictedClass.removeFirst(n)
        storedScore.removeFirst(n)
        count -= n
    }
}

/// One record being parsed; committed to `RecordColumns` only when the whole line is valid.
/// The feature values live in storage the parser allocates once (`deallocate()` frees it).
struct RecordRow {
    var id = ""
    var timestamp = Double.nan
    /// Every number of the row: the numerical features, then the prediction (regression), then
    /// the score, so that the parser stores any of them the same way.
    let numbers: UnsafeMutableBufferPointer<Double>
    /// The numerical features (the start of `numbers`).
    let numerical: UnsafeMutableBufferPointer<Double>
    let categorical: UnsafeMutableBufferPointer<Int32>
    var predictedClass: Int32 = -1

    init(numericalCount: Int, categoricalCount: Int) {
        numbers = .allocate(capacity: numericalCount + 2)
        numbers.initialize(repeating: .nan)
        numerical = UnsafeMutableBufferPointer(rebasing: numbers[0..<numericalCount])
        categorical = .allocate(capacity: categoricalCount)
        categorical.initialize(repeating: -1)
    }

    /// The prediction's slot in `numbers`.
    var predictionSlot: Int { numerical.count }
    /// The score's slot in `numbers`.
    var scoreSlot: Int { numerical.count + 1 }

    /// The prediction as a number (regression).
    var prediction: Double {
        get { numbers[predictionSlot] }
        nonmutating set { numbers[predictionSlot] = newValue }
    }

    var score: Double {
        get { numbers[scoreSlot] }
        nonmutating set { numbers[scoreSlot] = newValue }
    }

    func deallocate() {
        numbers.deallocate()
        categorical.deallocate()
    }

    @inline(__always)
    mutating func reset() {
        id = ""
        timestamp = .nan
        for i in numbers.indices { numbers[i] = .nan }
        for i in categorical.indices { categorical[i] = -1 }
        predictedClass = -1
    }
}
