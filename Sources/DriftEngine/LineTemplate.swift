/// The shape of the last prediction line the fast path read, as a template: the bytes between
/// its values (punctuation, keys, whitespace, the `features` braces) as literals, and what each
/// value is for. A line of the same shape is parsed by comparing each literal with a few 8-byte
/// words and reading the values in between; no key is scanned or looked up.
///
/// This is exact: where the line's bytes equal the literal, a JSON parser is in the same state
/// after them as it was for the learnt line (same nesting, same member, same key), so the value
/// that follows means the same. A line whose bytes differ anywhere goes to the key-by-key path,
/// which learns its shape for the next lines.
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

    /// Lines with more values, or more bytes between them, are not templated.
    static let maximumValues = 256
    static let maximumBytes = 16384

    /// The values of the learnt line; 0 when there is no template.
    private(set) var count = 0
    let actions: UnsafeMutablePointer<Action>
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

    /// Literal i comes before value i; literal `count` ends the line.
    private let literals: UnsafeMutablePointer<Literal>
    /// The literals, each zero-padded to whole words (and at least 16 bytes).
    private let bytes: UnsafeMutablePointer<UInt8>

    /// What the key-by-key path saw on the current line: each value's span and action.
    private(set) var recorded = 0
    private let starts: UnsafeMutablePointer<Int>
    private let ends: UnsafeMutablePointer<Int>
    private let recordedActions: UnsafeMutablePointer<Action>

    init() {
        actions = .allocate(capacity: Self.maximumValues)
        literals = .allocate(capacity: Self.maximumValues + 1)
        bytes = .allocate(capacity: Self.maximumBytes + 16 * (Self.maximumValues + 1))
        starts = .allocate(capacity: Self.maximumValues)
        ends = .allocate(capacity: Self.maximumValues)
        recordedActions = .allocate(capacity: Self.maximumValues)
    }

    deinit {
        actions.deallocate()
        literals.deallocate()
        bytes.deallocate()
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

    /// Makes the recorded line the template (the line must be the one just recorded, and valid).
    func learn(_ line: UnsafeBufferPointer<UInt8>) {
        count = 0
        guard recorded > 0, recorded <= Self.maximumValues else { return }
        var offset = 0
        for i in 0...recorded {
            let start = i == 0 ? 0 : ends[i - 1]
            let end = i == recorded ? line.count : starts[i]
            let length = end - start
            let padded = max(16, (length + 7) & ~7)
            guard offset + padded <= Self.maximumBytes else { return }
            let literal = bytes + offset
            literal.update(repeating: 0, count: padded)
            if length > 0 { literal.update(from: line.baseAddress! + start, count: length) }
            literals[i] = Literal(word0: ByteScanner.load(literal, 0), word1: ByteScanner.load(literal, 8),
                                  mask0: length >= 8 ? ~0 : (1 << UInt64(length * 8)) - 1,
                                  mask1: length >= 16 ? ~0 : length <= 8 ? 0 : (1 << UInt64((length - 8) * 8)) - 1,
                                  length: length, start: offset)
            offset += padded
            if i < recorded { actions[i] = recordedActions[i] }
        }
        count = recorded
    }

    // MARK: Matching

    /// When the line's bytes at `position` are literal `index`, the position after them; else -1.
    @inline(__always)
    func matchLiteral(_ index: Int, _ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        let literal = literals[index]
        let length = literal.length
        guard position &+ max(16, (length &+ 7) & ~7) <= end else { return matchBytes(bytes + literal.start, length, base, position, end) }
        let difference = ((ByteScanner.load(base, position) ^ literal.word0) & literal.mask0)
            | ((ByteScanner.load(base, position &+ 8) ^ literal.word1) & literal.mask1)
        guard difference == 0 else { return -1 }
        if length > 16 { return matchLong(bytes + literal.start, length, base, position) }
        return position &+ length
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
