/// The keys of one object level (the record, or its `features`) as the previous line had them, by
/// member position: records of one service have one shape, so the key at position k is almost
/// always the key the previous line had there. Checking that is a compare of a few 8-byte words
/// against the line, instead of scanning the key and hashing it.
///
/// A prediction holds a key's bytes followed by its closing quote. A key without escapes has no
/// quote, backslash or control character, so when the line's bytes equal the prediction, the
/// line's key is exactly that key and its string ends at that quote.
final class KeyOrderPrediction: @unchecked Sendable {
    /// Positions beyond this are not predicted (looked up every time).
    static let maximumMembers = 64
    /// Bytes per prediction: a key of up to 63 bytes and its quote, zero-padded to whole words.
    static let stride = 64

    private let bytes: UnsafeMutablePointer<UInt8>
    /// The prediction's length (key and quote) by position; 0 when there is none.
    private let lengths: UnsafeMutablePointer<Int>
    /// What the predicted key is (the caller's code) by position.
    let codes: UnsafeMutablePointer<Int32>

    init() {
        bytes = .allocate(capacity: Self.maximumMembers * Self.stride)
        bytes.initialize(repeating: 0, count: Self.maximumMembers * Self.stride)
        lengths = .allocate(capacity: Self.maximumMembers)
        lengths.initialize(repeating: 0, count: Self.maximumMembers)
        codes = .allocate(capacity: Self.maximumMembers)
        codes.initialize(repeating: -1, count: Self.maximumMembers)
    }

    deinit {
        bytes.deallocate()
        lengths.deallocate()
        codes.deallocate()
    }

    /// When the key of member `member` starting at `position` (after its opening quote) is the
    /// predicted one, the length of the key and its closing quote; otherwise 0.
    @inline(__always)
    func match(member: Int, _ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        guard member < Self.maximumMembers else { return 0 }
        let length = lengths[member]
        guard length > 0, position &+ length <= end else { return 0 }
        let expected = UnsafePointer(bytes + member &* Self.stride)
        var i = 0
        while i &+ 8 <= length {
            if ByteScanner.load(base, position &+ i) != ByteScanner.load(expected, i) { return 0 }
            i &+= 8
        }
        let rest = length &- i
        if rest == 0 { return length }
        if position &+ i &+ 8 <= end {
            let difference = (ByteScanner.load(base, position &+ i) ^ ByteScanner.load(expected, i)) & ((1 << UInt64(rest &* 8)) &- 1)
            return difference == 0 ? length : 0
        }
        while i < length {
            if base[position &+ i] != expected[i] { return 0 }
            i &+= 1
        }
        return length
    }

    /// Predicts that member `member` has the unescaped key of `count` bytes at `key`, meaning `code`.
    func remember(member: Int, _ key: UnsafePointer<UInt8>, count: Int, code: Int32) {
        guard member < Self.maximumMembers, count < Self.stride else { return }
        let slot = bytes + member * Self.stride
        slot.update(repeating: 0, count: Self.stride)
        slot.update(from: key, count: count)
        slot[count] = UInt8(ascii: "\"")
        lengths[member] = count + 1
        codes[member] = code
    }
}
