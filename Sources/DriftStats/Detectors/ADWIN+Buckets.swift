extension ADWIN {
    /// The bucket levels of an ADWIN window in one allocation: per level, a
    /// region of `2 * (maxBuckets + 1)` bucket totals, then one of bucket
    /// variances, and the level's run (`start`, `count`): its buckets, oldest
    /// first, are the `count` slots from `start` of each region.
    ///
    /// Reached through `let` pointers, so an update needs neither array
    /// uniqueness checks nor exclusivity checks; `Core` copies it before
    /// writing when it is shared, and replaces it by a larger copy when a
    /// level more is needed. Sendable for that reason: it is never written
    /// while shared.
    final class Buckets: @unchecked Sendable {
        /// Slots per region: `2 * (maxBuckets + 1)`.
        let region: Int
        /// Levels with room allocated.
        let levelCapacity: Int
        /// `levelCapacity * 2 * region` doubles.
        let values: UnsafeMutablePointer<Double>
        /// `levelCapacity * 2` integers: each level's `start` and `count`.
        let runs: UnsafeMutablePointer<Int>

        /// Empty levels (every run empty).
        init(region: Int, levelCapacity: Int) {
            self.region = region
            self.levelCapacity = levelCapacity
            values = .allocate(capacity: levelCapacity * 2 * region)
            values.initialize(repeating: 0, count: levelCapacity * 2 * region)
            runs = .allocate(capacity: levelCapacity * 2)
            runs.initialize(repeating: 0, count: levelCapacity * 2)
        }

        deinit {
            values.deallocate()
            runs.deallocate()
        }

        /// A copy of the first `levels` levels with room for `levelCapacity` levels.
        func copy(levels: Int, levelCapacity: Int) -> Buckets {
            let copy = Buckets(region: region, levelCapacity: levelCapacity)
            copy.values.update(from: values, count: levels * 2 * region)
            copy.runs.update(from: runs, count: levels * 2)
            return copy
        }
    }
}

extension ADWIN.Core: UnsharedCopying {
    /// The same core with its own copy of the buckets.
    func unsharedCopy() -> ADWIN.Core {
        var copy = self
        copy.buckets = buckets.copy(levels: levelCount, levelCapacity: buckets.levelCapacity)
        return copy
    }
}
