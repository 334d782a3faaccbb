/// KSWIN, the Kolmogorov-Smirnov windowing detector (Raab et al. 2020), as
/// River 0.26.1's `river.drift.KSWIN` runs it, with driftd's own generator.
///
/// The last `windowSize` values are kept. Once the window is full, each
/// update compares the newest `statSize` values with `statSize` values drawn
/// without replacement from the oldest `windowSize - statSize` by the
/// two-sample Kolmogorov-Smirnov test (`scipy.stats.ks_2samp`, as River calls
/// it, here `KolmogorovSmirnov.twoSample`); drift when
/// `p_value <= alpha` and the statistic exceeds 0.1. As in River, the update
/// after a detection starts again from an empty window, the generator
/// reseeded (River's `_reset()` discards the window it kept).
///
/// The draw differs from River's, which uses Python's `random.Random(seed)`:
/// driftd draws from xoshiro256** seeded by SplitMix64 from `seed`, by a
/// partial Fisher-Yates shuffle of the indices `0..<(windowSize - statSize)`
/// with Lemire's unbiased bounded integers. Detections are reproducible for a
/// seed, but are not River's positions.
public struct KSWIN: ConceptDriftDetector {
    /// Parameters and state, on the heap (see `CopyOnWrite`).
    private var core: CopyOnWrite<Core>

    /// A fresh detector with River's parameters and defaults (the seed is
    /// driftd's: River's default is no seed). `statSize >= 1` and
    /// `2 * statSize <= windowSize` (River raises otherwise).
    public init(alpha: Double = 0.005, windowSize: Int = 100, statSize: Int = 30, seed: UInt64 = 42) {
        precondition(statSize >= 1 && 2 * statSize <= windowSize, "KSWIN needs 1 <= stat_size <= window_size / 2")
        core = CopyOnWrite(Core(alpha: alpha, windowSize: windowSize, statSize: statSize, seed: seed))
    }

    /// Significance level of the test (River's `alpha`).
    public var alpha: Double { core.value.alpha }
    /// Values kept (River's `window_size`).
    public var windowSize: Int { core.value.windowSize }
    /// Values in each sample compared (River's `stat_size`).
    public var statSize: Int { core.value.statSize }
    /// Seed of the generator (River's `seed`, for driftd's generator).
    public var seed: UInt64 { core.value.seed }
    /// Whether the last update detected drift.
    public var driftDetected: Bool { core.value.driftDetected }
    /// The p-value of the last test (River's `p_value`, 0 before the first).
    public var pValue: Double { core.value.pValue }

    /// Feeds one value (River's `update`).
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
    struct Core: Sendable, Codable, Equatable {
        /// Significance level of the test (River's `alpha`).
        let alpha: Double
        /// Values kept (River's `window_size`).
        let windowSize: Int
        /// Values in each sample compared (River's `stat_size`).
        let statSize: Int
        /// Seed of the generator (River's `seed`, for driftd's generator).
        let seed: UInt64

        /// Whether the last update detected drift.
        var driftDetected = false
        /// The p-value of the last test (River's `p_value`, 0 before the first).
        var pValue = 0.0

        /// The window, a ring of `windowSize` slots.
        private var window: [Double]
        /// The ring index of the oldest value.
        private var oldest = 0
        /// Values in the window.
        private var count = 0
        /// The random generator.
        private var generator: Xoshiro256StarStar

        /// Scratch: the indices shuffled for the draw (not part of the state).
        private var indices: [Int]
        /// Scratch: the drawn sample, sorted (not part of the state).
        private var sample: [Double]
        /// Scratch: the newest values, sorted (not part of the state).
        private var recent: [Double]

        private enum CodingKeys: String, CodingKey {
            case alpha, windowSize, statSize, seed, driftDetected, pValue, window, oldest, count, generator
        }

        init(alpha: Double, windowSize: Int, statSize: Int, seed: UInt64) {
            self.alpha = alpha
            self.windowSize = windowSize
            self.statSize = statSize
            self.seed = seed
            window = [Double](repeating: 0, count: windowSize)
            generator = Xoshiro256StarStar(seed: seed)
            indices = Array(0..<(windowSize - statSize))
            sample = [Double](repeating: 0, count: statSize)
            recent = [Double](repeating: 0, count: statSize)
        }

        /// Decodes the state; the scratch buffers are rebuilt.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let windowSize = try container.decode(Int.self, forKey: .windowSize)
            let statSize = try container.decode(Int.self, forKey: .statSize)
            guard statSize >= 1 && statSize <= windowSize / 2 else {
                throw DecodingError.dataCorruptedError(forKey: .statSize, in: container, debugDescription: "invalid KSWIN sizes")
            }
            self.init(alpha: try container.decode(Double.self, forKey: .alpha), windowSize: windowSize, statSize: statSize,
                      seed: try container.decode(UInt64.self, forKey: .seed))
            driftDetected = try container.decode(Bool.self, forKey: .driftDetected)
            pValue = try container.decode(JSONSafe.self, forKey: .pValue).wrappedValue
            window = try container.decode(JSONSafeArray.self, forKey: .window).wrappedValue
            oldest = try container.decode(Int.self, forKey: .oldest)
            count = try container.decode(Int.self, forKey: .count)
            generator = try container.decode(Xoshiro256StarStar.self, forKey: .generator)
            guard window.count == windowSize, (0..<windowSize).contains(oldest), (0...windowSize).contains(count) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "inconsistent KSWIN window"))
            }
        }

        /// Encodes the state, without the scratch buffers.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(alpha, forKey: .alpha)
            try container.encode(windowSize, forKey: .windowSize)
            try container.encode(statSize, forKey: .statSize)
            try container.encode(seed, forKey: .seed)
            try container.encode(driftDetected, forKey: .driftDetected)
            try container.encode(JSONSafe(wrappedValue: pValue), forKey: .pValue)
            try container.encode(JSONSafeArray(wrappedValue: window), forKey: .window)
            try container.encode(oldest, forKey: .oldest)
            try container.encode(count, forKey: .count)
            try container.encode(generator, forKey: .generator)
        }

        /// Equal parameters and state (the scratch buffers are not compared).
        static func == (left: Core, right: Core) -> Bool {
            left.alpha == right.alpha && left.windowSize == right.windowSize && left.statSize == right.statSize
                && left.seed == right.seed && left.driftDetected == right.driftDetected
                && JSONSafe(wrappedValue: left.pValue) == JSONSafe(wrappedValue: right.pValue)
                && JSONSafeArray(wrappedValue: left.window) == JSONSafeArray(wrappedValue: right.window) && left.oldest == right.oldest && left.count == right.count
                && left.generator == right.generator
        }

        /// Feeds one value (River's `update`).
        mutating func update(_ value: Double) -> Bool {
            if driftDetected {
                driftDetected = false
                pValue = 0
                oldest = 0
                count = 0
                generator = Xoshiro256StarStar(seed: seed)
            }
            if count < windowSize {
                window[(oldest + count) % windowSize] = value
                count += 1
            } else {
                window[oldest] = value
                oldest = oldest + 1 == windowSize ? 0 : oldest + 1
            }
            guard count >= windowSize else { return false }

            let population = windowSize - statSize
            for index in 0..<population { indices[index] = index }
            for index in 0..<statSize {
                let other = index + Int(generator.next(below: UInt64(population - index)))
                indices.swapAt(index, other)
                sample[index] = window[(oldest + indices[index]) % windowSize]
                recent[index] = window[(oldest + population + index) % windowSize]
            }
            sample.sort()
            recent.sort()
            guard let result = KolmogorovSmirnov.twoSample(sortedReference: sample, sortedCurrent: recent) else { return false }
            pValue = result.pValue
            driftDetected = result.pValue <= alpha && result.statistic > 0.1
            return driftDetected
        }
    }
}
