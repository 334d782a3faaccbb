#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ADWIN (adaptive windowing, Bifet & Gavaldà 2007, the ADWIN2 bucket
/// compression) exactly as River 0.26.1 runs it: `river.drift.ADWIN` over its
/// Rust `AdaptiveWindowing` (`rust_src/adwin.rs`).
///
/// - The window is a list of levels; level `i` holds up to `maxBuckets + 1`
///   buckets of `2^i` values, each a total and a variance. A value enters
///   level 0; when a level reaches `maxBuckets + 1` buckets its two oldest are
///   merged into one bucket of the next level (`compress_buckets`:
///   `total = t0 + t1`, `variance = v0 + v1 + n * 0.5 * (t0/n - t1/n)^2`).
/// - The window's total and variance are updated as River does, Welford
///   style: `variance += (width - 1) * d * d / width` with
///   `d = value - total / (width - 1)`.
/// - Every `clock`-th update (an `Int32` tick, as River's `i32`), once the
///   width exceeds `gracePeriod`, every cut of the window between buckets is
///   tested from the oldest bucket on, stopping before the newest: with `n0`,
///   `n1` the sizes and `u0`, `u1` the totals of the older and newer parts,
///   both sizes at least `minWindowLength`, drift when
///   `|u0/n0 - u1/n1| > sqrt(2 m (variance/width) δ') + 2/3 δ' m`, where
///   `δ' = ln(2 ln(width) / delta)` (natural logarithms) and
///   `m = 1/(n0 - minWindowLength + 1) + 1/(n1 - minWindowLength + 1)`.
///   On a cut the oldest bucket is dropped (`delete_element`) and the scan
///   starts again, until no cut remains.
/// - The update after a detection starts from an empty window (River's
///   `_reset()` builds a new `AdaptiveWindowing`).
///
/// The buckets live in one flat array with room for one level more than in
/// use, so an update allocates nothing and touches the buckets through one
/// pointer. Each level keeps its buckets in a run that slides forward in a
/// region twice the level's capacity (River shifts them to the front at
/// every merge; here they move only when the run reaches the region's end).
/// Most cuts are ruled out without a division, a whole level at a time
/// (see `ADWIN+CutTest.swift`), with the same outcome as River's formula.
public struct ADWIN: ConceptDriftDetector {
    /// Parameters and state, on the heap (see `CopyOnWrite`).
    private var core: CopyOnWrite<Core>

    /// An empty detector with River's parameters and defaults.
    ///
    /// `clock` must be in `1...Int32.max` (River keeps it in an `i32`),
    /// `maxBuckets` at least 1.
    public init(delta: Double = 0.002, clock: Int = 32, maxBuckets: Int = 5, minWindowLength: Int = 5, gracePeriod: Int = 10) {
        precondition(clock >= 1 && clock <= Int(Int32.max), "ADWIN clock must be in 1...Int32.max")
        precondition(maxBuckets >= 1, "ADWIN max_buckets must be at least 1")
        core = CopyOnWrite(Core(delta: delta, clock: clock, maxBuckets: maxBuckets, minWindowLength: minWindowLength,
                                gracePeriod: gracePeriod))
    }

    /// Significance value (River's `delta`).
    public var delta: Double { core.value.delta }
    /// How often, in updates, the window is tested for a cut (River's `clock`).
    public var clock: Int { core.value.clock }
    /// Buckets of each size kept before two are merged (River's `max_buckets`).
    public var maxBuckets: Int { core.value.maxBuckets }
    /// The smallest sub-window a cut may leave (River's `min_window_length`).
    public var minWindowLength: Int { core.value.minWindowLength }
    /// No test until the window holds more values than this (River's `grace_period`).
    public var gracePeriod: Int { core.value.gracePeriod }
    /// Whether the last update detected drift.
    public var driftDetected: Bool { core.value.driftDetected }
    /// The number of values in the window (River's `width`).
    public var width: Double { core.value.width }
    /// The sum of the values in the window (River's `total`).
    public var total: Double { core.value.total }
    /// The window's sum of squared deviations (River's `variance`).
    public var variance: Double { core.value.variance }
    /// River's `estimation`: the window's mean, 0 for an empty window.
    public var estimation: Double { core.value.estimation }

    /// Adds `value` to the window and tests for a cut (River's `update`).
    public mutating func update(_ value: Double) -> Bool {
        core.modify { $0.update(value) }
    }

    /// Decodes the parameters and state.
    public init(from decoder: any Decoder) throws {
        core = try CopyOnWrite(from: decoder)
    }

    /// Encodes the parameters and state.
    public func encode(to encoder: any Encoder) throws {
        try core.encode(to: encoder)
    }

    /// The parameters, the state and River's update.
    struct Core: Sendable, Equatable, Codable {
        /// Significance value (River's `delta`).
        let delta: Double
        /// How often, in updates, the window is tested for a cut (River's `clock`).
        let clock: Int
        /// Buckets of each size kept before two are merged (River's `max_buckets`).
        let maxBuckets: Int
        /// The smallest sub-window a cut may leave (River's `min_window_length`).
        let minWindowLength: Int
        /// No test until the window holds more values than this (River's `grace_period`).
        let gracePeriod: Int

        /// Whether the last update detected drift.
        var driftDetected = false
        /// The number of values in the window (River's `width`).
        var width = 0.0
        /// The sum of the values in the window (River's `total`).
        var total = 0.0
        /// The window's sum of squared deviations (River's `variance`).
        var variance = 0.0

        /// The bucket levels (see `Buckets`); levels from `levelCount` on are
        /// spare room, with empty runs.
        var buckets: Buckets
        /// Levels in use (River's `bucket_list.len()`).
        var levelCount = 1
        /// At least `Σ|bucket total|`: the running sum of `|value|`,
        /// recomputed after a deletion (for `CutTest`'s rounding bounds; not
        /// River state, not encoded).
        var absoluteTotal = 0.0
        /// `total / width`, computed at the end of an update: the next
        /// insertion's `total / (width - 1)` (the same division, done early so
        /// that its latency overlaps other work; not encoded).
        var nextQuotient = 0.0
        /// River's `tick`: updates since the last reset, wrapping as an `Int32`.
        var tick: Int32 = 0
        /// `tick % clock` with Rust's sign rule, kept so that an update needs no division.
        var tickRemainder: Int32 = 0

        init(delta: Double, clock: Int, maxBuckets: Int, minWindowLength: Int, gracePeriod: Int) {
            self.delta = delta
            self.clock = clock
            self.maxBuckets = maxBuckets
            self.minWindowLength = minWindowLength
            self.gracePeriod = gracePeriod
            buckets = Buckets(region: 2 * (maxBuckets + 1), levelCapacity: 8)
        }

        /// River's `estimation`: the window's mean, 0 for an empty window.
        var estimation: Double { width == 0 ? 0.0 : total / width }

        /// A level's capacity, `maxBuckets + 1` (River's `max_size + 1` slots).
        var slots: Int { maxBuckets &+ 1 }
        /// The size of a level's region of totals (and of variances).
        var region: Int { buckets.region }

        /// Adds `value` to the window and tests for a cut (River's `update`).
        ///
        /// `buckets` is not shared here: `CopyOnWrite` copies it with the
        /// core (`unsharedCopy`) before an update reaches a shared core.
        mutating func update(_ value: Double) -> Bool {
            // A compression adds at most one level: keep one spare.
            if levelCount == buckets.levelCapacity {
                buckets = buckets.copy(levels: levelCount, levelCapacity: 2 * buckets.levelCapacity)
            }
            if driftDetected { reset() }
            insert(value)
            driftDetected = detectChange()
            nextQuotient = total / width
            return driftDetected
        }

        /// River's `_reset()`: an empty window, the tick at 0 (the storage is kept).
        private mutating func reset() {
            driftDetected = false
            width = 0
            total = 0
            variance = 0
            tick = 0
            tickRemainder = 0
            buckets.runs.update(repeating: 0, count: 2 * levelCount)
            levelCount = 1
            absoluteTotal = 0
        }

        /// `insert_element(value, 0.0)`: a bucket in level 0, the window's
        /// statistics, then `compress_buckets`.
        @inline(__always)
        private mutating func insert(_ value: Double) {
            width += 1.0
            var incrementalVariance = 0.0
            if width > 1.0 {
                // River's `value - total / (width - 1.0)`; `nextQuotient` is that division.
                let deviation = value - nextQuotient
                incrementalVariance = (width - 1.0) * deviation * deviation / width
            }
            variance += incrementalVariance
            total += value
            absoluteTotal += abs(value)

            let slots = self.slots
            let region = self.region
            let buckets = self.buckets.values
            let runs = self.buckets.runs
            Self.append(value, 0.0, level: 0, buckets, runs, region)
            guard runs[1] == slots else { return }

            // compress_buckets: while a level is full, merge its two oldest buckets into the next level.
            var level = 0
            var size = 1.0
            var inverseSize = 1.0
            while runs[2 &* level &+ 1] == slots {
                let start = runs[2 &* level]
                let first = level &* 2 &* region &+ start
                let total0 = buckets[first]
                let total1 = buckets[first &+ 1]
                // `t / 2^level`: multiplying by the exact inverse gives the same double.
                let mean0 = total0 * inverseSize
                let mean1 = total1 * inverseSize
                let mergedTotal = total0 + total1
                let temp = size * 0.5 * (mean0 - mean1) * (mean0 - mean1)
                let mergedVariance = buckets[first &+ region] + buckets[first &+ region &+ 1] + temp
                // Bucket::compress(2): the two oldest leave the run.
                runs[2 &* level] = start &+ 2
                runs[2 &* level &+ 1] = slots &- 2

                if level &+ 1 == levelCount { levelCount &+= 1 }
                Self.append(mergedTotal, mergedVariance, level: level &+ 1, buckets, runs, region)
                if runs[2 &* level &+ 3] < slots { break }
                level &+= 1
                size *= 2
                inverseSize *= 0.5
            }
        }

        /// River's `Bucket::insert_data`: a bucket after the level's newest,
        /// moving the run to the front of its region when it reaches the end.
        @inline(__always)
        private static func append(_ total: Double, _ variance: Double, level: Int,
                                   _ buckets: UnsafeMutablePointer<Double>, _ runs: UnsafeMutablePointer<Int>, _ region: Int) {
            let base = level &* 2 &* region
            var start = runs[2 &* level]
            let count = runs[2 &* level &+ 1]
            if start &+ count == region {
                for index in 0..<count {
                    buckets[base &+ index] = buckets[base &+ start &+ index]
                    buckets[base &+ region &+ index] = buckets[base &+ region &+ start &+ index]
                }
                start = 0
                runs[2 &* level] = 0
            }
            buckets[base &+ start &+ count] = total
            buckets[base &+ region &+ start &+ count] = variance
            runs[2 &* level &+ 1] = count &+ 1
        }

        /// `delete_element`: drops the oldest bucket (the first of the last
        /// level) and takes it out of the window's statistics; an emptied last
        /// level is removed.
        ///
        /// With `maxBuckets == 1` a merge can empty a level, and a deletion can
        /// leave an empty last level; River then reads that level's cleared first
        /// slot and panics removing it (`usize` underflow in `Bucket::compress`,
        /// a Python `PanicException`). Here empty last levels are dropped first,
        /// so the oldest real bucket goes; River gives no result to match there.
        private mutating func deleteOldestBucket() {
            let runs = buckets.runs
            while levelCount > 1 && runs[2 * levelCount - 1] == 0 {
                levelCount -= 1
                runs[2 * levelCount] = 0
            }
            let last = levelCount - 1
            let start = runs[2 * last]
            let count = runs[2 * last + 1]
            guard count > 0 else { return }
            let size = Double(UInt64(1) << UInt64(last))
            let first = last * 2 * region + start
            let bucketTotal = buckets.values[first]
            let bucketVariance = buckets.values[first + region]
            let bucketMean = bucketTotal / size

            width -= size
            total -= bucketTotal
            let windowMean = total / width
            let increment = bucketVariance + size * width * (bucketMean - windowMean) * (bucketMean - windowMean) / (size + width)
            variance -= increment

            // Bucket::remove(): the oldest leaves the run.
            runs[2 * last] = start + 1
            runs[2 * last + 1] = count - 1
            // River pops an emptied last level even when it is level 0; a cut
            // always leaves the newest bucket, so level 0 is never emptied here.
            if count == 1 && last > 0 {
                runs[2 * last] = 0
                levelCount -= 1
            }
            absoluteTotal = bucketAbsoluteTotal()
        }

        /// `Σ|bucket total|` over the live buckets.
        func bucketAbsoluteTotal() -> Double {
            var sum = 0.0
            for level in 0..<levelCount {
                let first = level * 2 * region + buckets.runs[2 * level]
                for index in 0..<buckets.runs[2 * level + 1] { sum += abs(buckets.values[first + index]) }
            }
            return sum
        }

        /// `detect_change`: on every `clock`-th tick past the grace period, drops
        /// the oldest bucket while some cut of the window shows a change.
        @inline(__always)
        private mutating func detectChange() -> Bool {
            tick &+= 1
            if tick > 0 {
                tickRemainder &+= 1
                if tickRemainder == Int32(truncatingIfNeeded: clock) { tickRemainder = 0 }
            } else {
                tickRemainder = tick % Int32(truncatingIfNeeded: clock)
            }
            guard tickRemainder == 0 && width > Double(gracePeriod) else { return false }
            var changeDetected = false
            // River's loop also goes on when a cut is found with a width of 0,
            // which cannot happen: a cut leaves at least `minWindowLength` >= 1
            // values on each side.
            while hasCut() {
                changeDetected = true
                deleteOldestBucket()
            }
            return changeDetected
        }

        /// One pass of `detect_change`'s scan: whether some cut, from the oldest
        /// bucket on and stopping before the newest, passes `evaluate_cut`.
        ///
        /// `δ'` and `variance / width` are the same for every cut of a pass, so
        /// they are computed once (the same operations, the same results). Each
        /// level is first given a bound under which none of its cuts can pass
        /// (`CutTest.levelBound`); a cut above it goes to `CutTest.isCut`.
        private func hasCut() -> Bool {
            let test = CutTest(width: width, variance: variance, total: total, absoluteTotal: absoluteTotal, delta: delta,
                               minWindowLength: Double(minWindowLength))
            let minimum = minWindowLength
            let region = self.region
            let levelCount = self.levelCount
            let bucketBound = levelCount &* slots
            let slack = test.slack
            var n0 = 0.0
            var n1 = width
            var u0 = 0.0
            var u1 = total
            let buckets = self.buckets.values
            let runs = self.buckets.runs
            var level = levelCount &- 1
            var size = Double(sign: .plus, exponent: level, significand: 1.0)
            while level >= 0 {
                let count = runs[2 &* level &+ 1]
                let first = level &* 2 &* region &+ runs[2 &* level]
                // River stops at level 0's newest bucket, before testing it.
                let cuts = level == 0 ? Swift.max(count &- 1, 0) : count
                // Cuts `lower..<upper` leave `minimum` values on both sides; River tests only those.
                let needed = minimum &- Int(n0)
                let lower = needed <= 0 ? 0 : Swift.min(cuts, ((needed &- 1) >> level))
                let room = Int(n1) &- minimum
                let upper = room < 0 ? lower : Swift.max(lower, Swift.min(cuts, room >> level))
                var index = 0
                while index < upper {
                    if index == lower {
                        // The whole level at once, else cut by cut.
                        let tested = upper &- lower
                        let bound = test.levelBound(n0: n0, n1: n1, size: size, cuts: tested)
                        var spread = abs(u0 * n1 - u1 * n0)
                        let expected = size * total
                        for offset in 0..<tested {
                            spread += abs(width * buckets[first &+ lower &+ offset] - expected)
                        }
                        if spread + test.levelSlack(cuts: tested, buckets: bucketBound) <= bound { break }
                        while index < upper {
                            n0 += size
                            n1 -= size
                            let bucketTotal = buckets[first &+ index]
                            u0 += bucketTotal
                            u1 -= bucketTotal
                            if abs(u0 * n1 - u1 * n0) + slack > bound && test.isCut(n0: n0, n1: n1, u0: u0, u1: u1) {
                                return true
                            }
                            index &+= 1
                        }
                        break
                    }
                    n0 += size
                    n1 -= size
                    let bucketTotal = buckets[first &+ index]
                    u0 += bucketTotal
                    u1 -= bucketTotal
                    index &+= 1
                }
                // The buckets not tested one by one: the sums move on as River's do.
                while index < cuts {
                    n0 += size
                    n1 -= size
                    let bucketTotal = buckets[first &+ index]
                    u0 += bucketTotal
                    u1 -= bucketTotal
                    index &+= 1
                }
                level &-= 1
                size *= 0.5
            }
            return false
        }
    }
}
