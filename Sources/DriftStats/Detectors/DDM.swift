/// DDM, the Drift Detection Method (Gama et al. 2004), exactly as River
/// 0.26.1's `river.drift.binary.DDM` runs it.
///
/// Fed `x` (1 = error, 0 = correct), it keeps the running error rate `p`
/// (River's `stats.Mean`: `n += 1; p += (1 / n) * (x - p)`) and
/// `s = sqrt(p * (1 - p) / n)`. Once `n > warmStart`: when `p + s` is at most
/// its lowest value so far, `p_min`, `s_min` become `p`, `s`; warning when
/// `p + s > p_min + warningThreshold * s_min`, drift when
/// `p + s > p_min + driftThreshold * s_min`. The update after a detection
/// starts again from nothing (River's `_reset()`).
public struct DDM: ConceptDriftDetector {
    /// Parameters and state, on the heap (see `CopyOnWrite`).
    private var core: CopyOnWrite<Core>

    /// A fresh detector with River's parameters and defaults.
    public init(warmStart: Int = 30, warningThreshold: Double = 2.0, driftThreshold: Double = 3.0) {
        core = CopyOnWrite(Core(warmStart: warmStart, warningThreshold: warningThreshold, driftThreshold: driftThreshold))
    }

    /// Updates before change can be detected (River's `warm_start`).
    public var warmStart: Int { core.value.warmStart }
    /// Standard deviations above the minimum that signal a warning (River's `warning_threshold`).
    public var warningThreshold: Double { core.value.warningThreshold }
    /// Standard deviations above the minimum that signal drift (River's `drift_threshold`).
    public var driftThreshold: Double { core.value.driftThreshold }
    /// Whether the last update detected drift.
    public var driftDetected: Bool { core.value.driftDetected }
    /// Whether the last update is in the warning zone (River's `warning_detected`).
    public var warningDetected: Bool { core.value.warningDetected }

    /// Feeds one outcome, 1 for an error (River's `update`).
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
        let warmStart: Int
        let warningThreshold: Double
        let driftThreshold: Double
        var driftDetected = false
        var warningDetected = false
        /// The number of values seen (River's `_p.n`, a float).
        @JSONSafe var count = 0.0
        /// The error rate (River's `_p.get()`).
        @JSONSafe var errorRate = 0.0
        /// `p` where `p + s` was lowest (River's `_p_min`, `None` before the first test).
        @JSONSafe var minimumErrorRate = 0.0
        /// `s` where `p + s` was lowest (River's `_s_min`).
        @JSONSafe var minimumDeviation = 0.0
        /// The lowest `p + s` (River's `_ps_min`).
        @JSONSafe var minimumSum = Double.infinity

        init(warmStart: Int, warningThreshold: Double, driftThreshold: Double) {
            self.warmStart = warmStart
            self.warningThreshold = warningThreshold
            self.driftThreshold = driftThreshold
        }

        mutating func update(_ value: Double) -> Bool {
            if driftDetected {
                self = Core(warmStart: warmStart, warningThreshold: warningThreshold, driftThreshold: driftThreshold)
            }
            count += 1.0
            errorRate += (1.0 / count) * (value - errorRate)
            let p = errorRate
            let deviation = (p * (1 - p) / count).squareRoot()
            if count > Double(warmStart) {
                if p + deviation <= minimumSum {
                    minimumErrorRate = p
                    minimumDeviation = deviation
                    minimumSum = minimumErrorRate + minimumDeviation
                }
                warningDetected = p + deviation > minimumErrorRate + warningThreshold * minimumDeviation
                if p + deviation > minimumErrorRate + driftThreshold * minimumDeviation {
                    driftDetected = true
                    warningDetected = false
                }
            }
            return driftDetected
        }
    }
}
