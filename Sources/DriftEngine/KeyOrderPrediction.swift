/// The keys of one object level (the record, or its `features`) as the previous line had them, by
/// member position: records of one service have one shape, so the key at position k is almost
/// always the key the previous line had there. Checking that is a masked compare of two 8-byte
/// words against the line, instead of scanning the key and hashing it.
///
/// A prediction is a key's bytes followed by its closing quote, and by the `:` when the line it was
/// learnt from had it right there (compact JSON). A key without escapes has no quote, backslash or
/// control character, so when the line's bytes equal the prediction, the line's key is exactly
/// that key and its string ends at that quote.
final class KeyOrderPrediction: @unchecked Sendable {
    /// Positions beyond this are not predicted (looked up every time).
    static let maximumMembers = 64
    /// Longest prediction kept (longer keys are looked up every time).
    static let maximumLength = 64

    struct Entry {
        /// The prediction's first 16 bytes and which of them count.
        var word0: UInt64 = 0
        var word1: UInt64 = 0
        var mask0: UInt64 = 0
        var mask1: UInt64 = 0
        /// The prediction's length; 0 when there is none.
        var length = 0
        /// What the predicted key is (the caller's code).
        var code: Int32 = -1
    }

    private let entries: UnsafeMutablePointer<Entry>
    /// Each prediction's bytes, for those longer than 16.
    private let bytes: UnsafeMutablePointer<UInt8>

    init() {
        entries = .allocate(capacity: Self.maximumMembers)
        entries.initialize(repeating: Entry(), count: Self.maximumMembers)
        bytes = .allocate(capacity: Self.maximumMembers * Self.maximumLength)
        bytes.initialize(repeating: 0, count: Self.maximumMembers * Self.maximumLength)
    }

    deinit {
        entries.deallocate()
        bytes.deallocate()
    }

    /// When the key of member `member` starting at `position` (after its opening quote) is the
    /// predicted one, the length of the prediction (the key, its quote, maybe the `:`) and the key's
    /// code; otherwise a length of 0. The prediction ends with `:` exactly when it includes it.
    @inline(__always)
    func match(member: Int, _ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> (length: Int, code: Int32) {
        guard member < Self.maximumMembers else { return (0, -1) }
        let entry = entries[member]
        if entry.length <= 16, position &+ 16 <= end {
            let difference = ((ByteScanner.load(base, position) ^ entry.word0) & entry.mask0)
                | ((ByteScanner.load(base, position &+ 8) ^ entry.word1) & entry.mask1)
            return (difference == 0 && entry.length > 0 ? entry.length : 0, entry.code)
        }
        return (matchBytes(member: member, entry.length, base, position, end), entry.code)
    }

    /// `match` byte by byte (long keys, or near the line's end).
    @inline(never)
    private func matchBytes(member: Int, _ length: Int, _ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        guard length > 0, position + length <= end else { return 0 }
        let expected = bytes + member * Self.maximumLength
        for i in 0..<length where base[position + i] != expected[i] { return 0 }
        return length
    }

    /// Predicts that member `member` has the unescaped key of `count` bytes at `key` (followed in
    /// the line by its quote, and `colon` tells whether a `:` follows that), meaning `code`.
    func remember(member: Int, _ key: UnsafePointer<UInt8>, count: Int, colon: Bool, code: Int32) {
        let length = count + (colon ? 2 : 1)
        guard member < Self.maximumMembers, length <= Self.maximumLength else { return }
        let slot = bytes + member * Self.maximumLength
        slot.update(repeating: 0, count: Self.maximumLength)
        slot.update(from: key, count: count)
        slot[count] = UInt8(ascii: "\"")
        if colon { slot[count + 1] = UInt8(ascii: ":") }
        var entry = Entry(length: length, code: code)
        entry.word0 = ByteScanner.load(UnsafePointer(slot), 0)
        entry.word1 = ByteScanner.load(UnsafePointer(slot), 8)
        entry.mask0 = length >= 8 ? ~0 : (1 << UInt64(length * 8)) - 1
        entry.mask1 = length >= 16 ? ~0 : length <= 8 ? 0 : (1 << UInt64((length - 8) * 8)) - 1
        entries[member] = entry
    }
}
