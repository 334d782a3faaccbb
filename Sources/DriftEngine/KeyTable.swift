/// Finds which of a few known keys a JSON key is, without building a String: an open-addressing
/// table over a hash of the key's bytes, confirmed by comparing the bytes.
struct KeyTable: Sendable {
    private var slots: [Int32]
    private let keys: [[UInt8]]
    private let mask: Int

    /// `keys[i]` is reported as `i`.
    init(keys: [[UInt8]]) {
        self.keys = keys
        var capacity = 8
        while capacity < keys.count * 4 { capacity *= 2 }
        mask = capacity - 1
        slots = Array(repeating: -1, count: capacity)
        for (index, key) in keys.enumerated() {
            var position = key.withUnsafeBufferPointer { Self.hash($0) } & mask
            while slots[position] >= 0 {
                if keys[Int(slots[position])] == key { break }
                position = (position + 1) & mask
            }
            if slots[position] < 0 { slots[position] = Int32(index) }
        }
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }

    /// The index of the key spelled by `bytes`, or nil.
    @inline(__always)
    func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var position = Self.hash(bytes) & mask
        while true {
            let slot = slots[position]
            if slot < 0 { return nil }
            let key = keys[Int(slot)]
            if key.count == bytes.count && key.withUnsafeBufferPointer({ candidate in
                var i = 0
                while i < bytes.count, candidate[i] == bytes[i] { i += 1 }
                return i == bytes.count
            }) {
                return Int(slot)
            }
            position = (position + 1) & mask
        }
    }
}
