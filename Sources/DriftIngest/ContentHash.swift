/// FNV-1a, 64 bits: a stable hash for fingerprints (Swift's `Hasher` is seeded per process, so
/// its values cannot be stored).
enum ContentHash {
    static func fnv1a<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
