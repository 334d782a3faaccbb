/// The shapes of the last few prediction lines the fast path read, as templates: the bytes between
/// a line's values (punctuation, keys, whitespace, the `features` braces) as literals, and what each
/// value is for. A line of a known shape is parsed by comparing each literal with a few 8-byte words
/// and reading the values in between; no key is scanned or looked up.
///
/// This is exact: where the line's bytes equal the literal, a JSON parser is in the same state
/// after them as it was for the learnt line (same nesting, same member, same key), so the value
/// that follows means the same. Streams whose records omit optional fields have a few shapes that
/// share a beginning: when a literal does not match, the parse continues in another shape that has
/// the same literals and values up to there and this literal next (no work is redone). A line that
/// fits no shape goes to the key-by-key path, which learns its shape, replacing the least recently
/// used one.
final class LineTemplate: @unchecked Sendable {
    /// What to do with a value.
    struct Action: Equatable {
        enum Kind: UInt8 {
            /// A feature's value for numerical column `column` (inside `features`).
            case numerical
            /// A top-level number: `column` is its slot in `RecordRow.numbers` (prediction, score).
            case number
            /// A feature's value for categorical column `column`.
            case categorical
            case id, timestamp
            /// The predicted class (classification).
            case predictedClass
            /// Validated and ignored (an unknown field, or a `features` that is not an object).
            case skip

            /// Whether the value goes to `RecordRow.numbers[column]`.
            var isNumber: Bool { rawValue <= Kind.number.rawValue }
        }

        var kind: Kind
        var column: Int32 = 0
    }

    /// Shapes kept.
    static let shapeCount = 4
    /// Lines with more values, or more bytes between them, are not templated.
    static let maximumValues = 256
    static let maximumBytes = 16384

    /// A literal: its first 16 bytes as two words and which of their bytes count, its length, and
    /// where all of its bytes are in `bytes`.
    private struct Literal {
        var word0: UInt64 = 0
        var word1: UInt64 = 0
        var mask0: UInt64 = 0
        var mask1: UInt64 = 0
        var length = 0
        var start = 0
    }

    /// Each shape's number of values; 0 when the shape is unused.
    private let counts: UnsafeMutablePointer<Int>
    /// Shape s's actions start at `s * maximumValues`, its literals at `s * (maximumValues + 1)`:
    /// literal i comes before value i, literal `count` ends the line.
    private let actions: UnsafeMutablePointer<Action>
    private let literals: UnsafeMutablePointer<Literal>
    /// The literals' bytes, each zero-padded to whole words (and at least 16 bytes); shape s's
    /// start at `s * bytesPerShape`.
    private let bytes: UnsafeMutablePointer<UInt8>
    private static let bytesPerShape = maximumBytes + 16 * (maximumValues + 1)
    /// `sharedPrefix[s * shapeCount + t]`: how many leading (literal, value) steps shapes s and t share.
    private let sharedPrefix: UnsafeMutablePointer<Int>
    /// When each shape was last used (for replacing the least recently used).
    private let lastUse: UnsafeMutablePointer<Int>
    private var clock = 0
    /// The shape the last line had.
    private(set) var current = 0

    /// What the key-by-key path saw on the current line: each value's span and action.
    private(set) var recorded = 0
    private let starts: UnsafeMutablePointer<Int>
    private let ends: UnsafeMutablePointer<Int>
    private let recordedActions: UnsafeMutablePointer<Action>

    init() {
        let shapes = Self.shapeCount
        counts = .allocate(capacity: shapes)
        counts.initialize(repeating: 0, count: shapes)
        actions = .allocate(capacity: shapes * Self.maximumValues)
        literals = .allocate(capacity: shapes * (Self.maximumValues + 1))
        bytes = .allocate(capacity: shapes * Self.bytesPerShape)
        sharedPrefix = .allocate(capacity: shapes * shapes)
        sharedPrefix.initialize(repeating: 0, count: shapes * shapes)
        lastUse = .allocate(capacity: shapes)
        lastUse.initialize(repeating: 0, count: shapes)
        starts = .allocate(capacity: Self.maximumValues)
        ends = .allocate(capacity: Self.maximumValues)
        recordedActions = .allocate(capacity: Self.maximumValues)
    }

    deinit {
        counts.deallocate()
        actions.deallocate()
        literals.deallocate()
        bytes.deallocate()
        sharedPrefix.deallocate()
        lastUse.deallocate()
        starts.deallocate()
        ends.deallocate()
        recordedActions.deallocate()
    }

    // MARK: Learning

    func beginRecording() { recorded = 0 }

    /// Notes that the value at `start..<end` of the current line was read with `action`.
    @inline(__always)
    func record(_ start: Int, _ end: Int, _ action: Action) {
        if recorded < Self.maximumValues {
            starts[recorded] = start
            ends[recorded] = end
            recordedActions[recorded] = action
        }
        recorded &+= 1
    }

    /// Adds the recorded line's shape (the line must be the one just recorded, and valid),
    /// replacing the least recently used shape, and makes it the current one.
    func learn(_ line: UnsafeBufferPointer<UInt8>) {
        guard recorded > 0, recorded <= Self.maximumValues else { return }
        var shape = 0
        for s in 1..<Self.shapeCount where lastUse[s] < lastUse[shape] { shape = s }
        counts[shape] = 0
        for other in 0..<Self.shapeCount {
            sharedPrefix[shape * Self.shapeCount + other] = 0
            sharedPrefix[other * Self.shapeCount + shape] = 0
        }
        let literalBase = shape * (Self.maximumValues + 1)
        let byteBase = shape * Self.bytesPerShape
        var offset = 0
        for i in 0...recorded {
            let start = i == 0 ? 0 : ends[i - 1]
            let end = i == recorded ? line.count : starts[i]
            let length = end - start
            let padded = max(16, (length + 7) & ~7)
            guard offset + padded <= Self.maximumBytes else { return }
            let literal = bytes + byteBase + offset
            literal.update(repeating: 0, count: padded)
            if length > 0 { literal.update(from: line.baseAddress! + start, count: length) }
            literals[literalBase + i] = Literal(
                word0: ByteScanner.load(literal, 0), word1: ByteScanner.load(literal, 8),
                mask0: length >= 8 ? ~0 : (1 << UInt64(length * 8)) - 1,
                mask1: length >= 16 ? ~0 : length <= 8 ? 0 : (1 << UInt64((length - 8) * 8)) - 1,
                length: length, start: byteBase + offset)
            offset += padded
            if i < recorded { actions[shape * Self.maximumValues + i] = recordedActions[i] }
        }
        counts[shape] = recorded
        for other in 0..<Self.shapeCount {
            let shared = other == shape ? recorded : sharedSteps(shape, other)
            sharedPrefix[shape * Self.shapeCount + other] = shared
            sharedPrefix[other * Self.shapeCount + shape] = shared
        }
        use(shape)
    }

    /// How many leading steps (literal i and value i) shapes `a` and `b` have in common.
    private func sharedSteps(_ a: Int, _ b: Int) -> Int {
        let steps = min(counts[a], counts[b])
        var i = 0
        while i < steps, actions[a * Self.maximumValues + i] == actions[b * Self.maximumValues + i], sameLiteral(a, b, i) { i += 1 }
        return i
    }

    private func sameLiteral(_ a: Int, _ b: Int, _ index: Int) -> Bool {
        let x = literals[a * (Self.maximumValues + 1) + index]
        let y = literals[b * (Self.maximumValues + 1) + index]
        guard x.length == y.length else { return false }
        for k in 0..<x.length where bytes[x.start + k] != bytes[y.start + k] { return false }
        return true
    }

    /// Marks `shape` as the one the last line had.
    @inline(__always)
    func use(_ shape: Int) {
        current = shape
        clock &+= 1
        lastUse[shape] = clock
    }

    // MARK: Matching

    /// The number of values of `shape` (0: unused).
    @inline(__always)
    func count(_ shape: Int) -> Int { counts[shape] }

    @inline(__always)
    func action(_ shape: Int, _ index: Int) -> Action { actions[shape &* Self.maximumValues &+ index] }

    /// When the line's bytes at `position` are literal `index` of `shape`, the position after
    /// them; else -1.
    @inline(__always)
    func matchLiteral(_ shape: Int, _ index: Int, _ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        let literal = literals[shape &* (Self.maximumValues &+ 1) &+ index]
        let length = literal.length
        guard position &+ max(16, (length &+ 7) & ~7) <= end else { return matchBytes(bytes + literal.start, length, base, position, end) }
        let difference = ((ByteScanner.load(base, position) ^ literal.word0) & literal.mask0)
            | ((ByteScanner.load(base, position &+ 8) ^ literal.word1) & literal.mask1)
        guard difference == 0 else { return -1 }
        if length > 16 { return matchLong(bytes + literal.start, length, base, position) }
        return position &+ length
    }

    /// After literal `index` of `shape` did not match at `position`: another shape that shares the
    /// steps before it and whose literal `index` matches, and the position after that literal.
    @inline(never)
    func branch(from shape: Int, at index: Int, _ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> (shape: Int, position: Int)? {
        for other in 0..<Self.shapeCount where other != shape && counts[other] > 0 && counts[other] >= index
            && sharedPrefix[shape * Self.shapeCount + other] >= index {
            let next = matchLiteral(other, index, base, position, end)
            if next >= 0 { return (other, next) }
        }
        return nil
    }

    /// The words of a literal after its first 16 bytes (all readable in the line).
    @inline(never)
    private func matchLong(_ literal: UnsafePointer<UInt8>, _ length: Int, _ base: UnsafePointer<UInt8>, _ position: Int) -> Int {
        var i = 16
        while i + 8 <= length {
            if ByteScanner.load(base, position + i) != ByteScanner.load(literal, i) { return -1 }
            i += 8
        }
        if i < length {
            let mask: UInt64 = (1 << UInt64((length - i) * 8)) - 1
            if (ByteScanner.load(base, position + i) ^ ByteScanner.load(literal, i)) & mask != 0 { return -1 }
        }
        return position + length
    }

    /// `matchLiteral` byte by byte (near the line's end).
    @inline(never)
    private func matchBytes(_ literal: UnsafePointer<UInt8>, _ length: Int, _ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        guard position + length <= end else { return -1 }
        for i in 0..<length where base[position + i] != literal[i] { return -1 }
        return position + length
    }
}
