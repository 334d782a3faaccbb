/// Finds which of a few known keys a JSON key is, without building a String: an open-addressing
/// table over a hash of the key's bytes, confirmed by comparing the bytes. Storage is flat and
/// allocated once, so a lookup touches no reference counts.
final class KeyTable: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Int32>
    private let starts: UnsafeMutableBufferPointer<Int>
    private let lengths: UnsafeMutableBufferPointer<Int>
    private let text: UnsafeMutableBufferPointer<UInt8>
    private let mask: Int

    /// `keys[i]` is reported as `i`; a repeated key keeps its first index.
    init(keys: [[UInt8]]) {
        var capacity = 8
        while capacity < keys.count * 4 { capacity *= 2 }
        mask = capacity - 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: -1)
        starts = .allocate(capacity: max(1, keys.count))
        lengths = .allocate(capacity: max(1, keys.count))
        let all = keys.flatMap { $0 }
        text = .allocate(capacity: max(1, all.count))
        _ = text.initialize(from: all)
        var offset = 0
        for (index, key) in keys.enumerated() {
            starts[index] = offset
            lengths[index] = key.count
            offset += key.count
            let found = key.withUnsafeBufferPointer { self.index(of: $0) }
            guard found == nil else { continue }
            var position = key.withUnsafeBufferPointer { Self.hash($0) } & mask
            while slots[position] >= 0 { position = (position + 1) & mask }
            slots[position] = Int32(index)
        }
    }

    deinit {
        slots.deallocate()
        starts.deallocate()
        lengths.deallocate()
        text.deallocate()
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
            let slot = Int(slots[position])
            if slot < 0 { return nil }
            if lengths[slot] == bytes.count {
                let start = starts[slot]
                var i = 0
                while i < bytes.count, text[start + i] == bytes[i] { i += 1 }
                if i == bytes.count { return slot }
            }
            position = (position + 1) & mask
        }
    }
}
