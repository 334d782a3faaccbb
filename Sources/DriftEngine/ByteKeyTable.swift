/// A growing open-addressing table from byte strings to `Int32` values, looked up straight from the
/// line buffer (no `String`, no reference counting): the category cache in front of
/// `CategoryDictionary`. Keys are compared byte for byte; the first 8 bytes live in the entry, so a
/// short key is found with one hash, one load and one compare.
final class ByteKeyTable: @unchecked Sendable {
    private struct Entry {
        /// The key's first 8 bytes (little-endian, zero-padded).
        var prefix: UInt64
        /// -1 for an empty entry.
        var length: Int32
        var value: Int32
        /// Where the key's bytes after the first 8 start in `arena`.
        var offset: Int
    }

    private var entries: UnsafeMutablePointer<Entry>
    private var mask: Int
    private(set) var count = 0
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity: Int

    init() {
        mask = 63
        entries = .allocate(capacity: mask + 1)
        entries.initialize(repeating: Entry(prefix: 0, length: -1, value: -1, offset: 0), count: mask + 1)
        arenaCapacity = 256
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        entries.deallocate()
        arena.deallocate()
    }

    /// The first `min(count, 8)` bytes at `bytes` as a zero-padded little-endian word. `readable` is
    /// how many bytes from `bytes` may be read (at least `count`): with 8 of them, one load suffices.
    @inline(__always)
    static func prefix(_ bytes: UnsafePointer<UInt8>, count: Int, readable: Int) -> UInt64 {
        if count >= 8 { return UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self) }
        if readable >= 8 {
            let word = UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self)
            return word & ((1 << UInt64(count &* 8)) &- 1)
        }
        var word: UInt64 = 0
        var i = 0
        while i < count {
            word |= UInt64(bytes[i]) << UInt64(i &* 8)
            i &+= 1
        }
        return word
    }

    @inline(__always)
    private static func hash(prefix: UInt64, tail: UnsafePointer<UInt8>, count: Int) -> Int {
        // `tail` is the key's bytes after the first 8 (read only when the key is longer).
        var hash = (prefix ^ UInt64(truncatingIfNeeded: count)) &* 0x9E37_79B9_7F4A_7C15
        var i = 0
        while i < count &- 8 {
            hash = (hash ^ UInt64(tail[i])) &* 0x0000_0100_0000_01B3
            i &+= 1
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 31))
    }

    /// The value stored for the `count` bytes at `bytes`, or -1. `readable` as in `prefix`.
    @inline(__always)
    func value(_ bytes: UnsafePointer<UInt8>, count: Int, readable: Int) -> Int32 {
        let prefix = Self.prefix(bytes, count: count, readable: readable)
        var position = Self.hash(prefix: prefix, tail: bytes + 8, count: count) & mask
        while true {
            let entry = entries[position]
            if entry.length < 0 { return -1 }
            if entry.prefix == prefix, Int(entry.length) == count {
                if count <= 8 || memoryEqual(arena + entry.offset, bytes + 8, count &- 8) { return entry.value }
            }
            position = (position &+ 1) & mask
        }
    }

    /// Stores `value` for the `count` bytes at `bytes` (which must not be present yet).
    func insert(_ bytes: UnsafePointer<UInt8>, count: Int, value: Int32) {
        precondition(count <= Int(Int32.max))
        if (self.count + 1) * 2 > mask + 1 { grow() }
        var offset = 0
        if count > 8 {
            let tail = count - 8
            if arenaCount + tail > arenaCapacity {
                var capacity = arenaCapacity * 2
                while capacity < arenaCount + tail { capacity *= 2 }
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                grown.update(from: arena, count: arenaCount)
                arena.deallocate()
                arena = grown
                arenaCapacity = capacity
            }
            offset = arenaCount
            (arena + offset).update(from: bytes + 8, count: tail)
            arenaCount += tail
        }
        let prefix = Self.prefix(bytes, count: count, readable: count)
        place(Entry(prefix: prefix, length: Int32(count), value: value, offset: offset), hash: Self.hash(prefix: prefix, tail: bytes + 8, count: count))
        self.count += 1
    }

    private func place(_ entry: Entry, hash: Int) {
        var position = hash & mask
        while entries[position].length >= 0 { position = (position + 1) & mask }
        entries[position] = entry
    }

    private func grow() {
        let old = entries
        let oldCapacity = mask + 1
        mask = oldCapacity * 2 - 1
        entries = .allocate(capacity: mask + 1)
        entries.initialize(repeating: Entry(prefix: 0, length: -1, value: -1, offset: 0), count: mask + 1)
        for i in 0..<oldCapacity where old[i].length >= 0 {
            let entry = old[i]
            place(entry, hash: Self.hash(prefix: entry.prefix, tail: arena + entry.offset, count: Int(entry.length)))
        }
        old.deallocate()
    }

    @inline(__always)
    private func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var i = 0
        while i < count {
            if a[i] != b[i] { return false }
            i &+= 1
        }
        return true
    }
}
