/// The Page-Hinkley test exactly as River 0.26.1's `river.drift.PageHinkley`
/// runs it.
///
/// Per value: the running mean (River's `stats.Mean`), `dev = x - mean`,
/// `sum_increase = alpha * sum_increase + dev - delta`,
/// `sum_decrease = alpha * sum_decrease + dev + delta`, the lowest
/// `sum_increase` (from +inf) and the highest `sum_decrease` (from -1) so far;
/// once `minInstances` values were seen, drift when
/// `sum_increase - min > threshold` (mode up), `max - sum_decrease > threshold`
/// (mode down) or either (both). The update after a detection starts again
/// from nothing (River's `_reset()`).
public struct PageHinkley: ConceptDriftDetector {
    /// Which changes of the mean are detected (River's `mode`).
    public enum Mode: String, Sendable, Codable, Equatable, CaseIterable {
        /// Increases and decreases.
        case both
        /// Increases only.
        case up
        /// Decreases only.
        case down
    }

    /// Parameters and state, on the heap (see `CopyOnWrite`).
    private var core: CopyOnWrite<Core>

    /// A fresh detector with River's parameters and defaults.
    public init(minInstances: Int = 30, delta: Double = 0.005, threshold: Double = 50.0, alpha: Double = 1 - 0.0001, mode: Mode = .both) {
        core = CopyOnWrite(Core(minInstances: minInstances, delta: delta, threshold: threshold, alpha: alpha, mode: mode))
    }

    /// Values seen before change can be detected (River's `min_instances`).
    public var minInstances: Int { core.value.minInstances }
    /// Tolerated change per value (River's `delta`).
    public var delta: Double { core.value.delta }
    /// Cumulative deviation that signals drift (River's `threshold`).
    public var threshold: Double { core.value.threshold }
    /// Forgetting factor of the cumulative sums (River's `alpha`).
    public var alpha: Double { core.value.alpha }
    /// Which changes are detected (River's `mode`).
    public var mode: Mode { core.value.mode }
    /// Whether the last update detected drift.
    public var driftDetected: Bool { core.value.driftDetected }

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
        let minInstances: Int
        let delta: Double
        let threshold: Double
        let alpha: Double
        let mode: Mode
        var driftDetected = false
        /// Values seen (River's `_x_mean.n`, a float).
        @JSONSafe var count = 0.0
        /// Their running mean.
        @JSONSafe var mean = 0.0
        /// River's `_sum_increase`.
        @JSONSafe var sumIncrease = 0.0
        /// River's `_sum_decrease`.
        @JSONSafe var sumDecrease = 0.0
        /// River's `_min_increase`.
        @JSONSafe var minimumIncrease = Double.infinity
        /// River's `_max_decrease`.
        @JSONSafe var maximumDecrease = -1.0

        init(minInstances: Int, delta: Double, threshold: Double, alpha: Double, mode: Mode) {
            self.minInstances = minInstances
            self.delta = delta
            self.threshold = threshold
            self.alpha = alpha
            self.mode = mode
        }

        mutating func update(_ value: Double) -> Bool {
            if driftDetected {
                self = Core(minInstances: minInstances, delta: delta, threshold: threshold, alpha: alpha, mode: mode)
            }
            count += 1.0
            mean += (1.0 / count) * (value - mean)
            let deviation = value - mean
            sumIncrease = alpha * sumIncrease + deviation - delta
            sumDecrease = alpha * sumDecrease + deviation + delta
            if sumIncrease < minimumIncrease { minimumIncrease = sumIncrease }
            if sumDecrease > maximumDecrease { maximumDecrease = sumDecrease }
            if count >= Double(minInstances) {
                let testIncrease = sumIncrease - minimumIncrease
                let testDecrease = maximumDecrease - sumDecrease
                switch mode {
                case .up: driftDetected = testIncrease > threshold
                case .down: driftDetected = testDecrease > threshold
                case .both: driftDetected = testIncrease > threshold || testDecrease > threshold
                }
            }
            return driftDetected
        }
    }
}
