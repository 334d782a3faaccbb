/// The xoshiro256** generator (Blackman & Vigna 2018), seeded by SplitMix64:
/// KSWIN's own seeded source of random samples.
///
/// River's KSWIN draws from Python's `random.Random(seed)` (Mersenne Twister);
/// driftd uses this generator instead, so KSWIN's detections are reproducible
/// for a seed but are not River's. The four state words are SplitMix64's
/// first four outputs from `seed` (the seeding its authors recommend).
struct Xoshiro256StarStar: Sendable, Codable, Equatable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// The generator whose state is SplitMix64's first four outputs from `seed`.
    init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(by: 45)
        return result
    }

    /// A uniform integer in `0..<bound` (`bound > 0`), by Lemire's
    /// multiply-and-reject method (no modulo bias).
    mutating func next(below bound: UInt64) -> UInt64 {
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }
}

extension UInt64 {
    /// The bits rotated left by `count` (0 < count < 64).
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 - count))
    }
}
