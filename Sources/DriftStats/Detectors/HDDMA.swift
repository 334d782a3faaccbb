#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HDDM-A, the drift detection method based on Hoeffding's bounds with
/// moving averages (Frías-Blanco et al. 2014), exactly as River 0.26.1's
/// `river.drift.binary.HDDMA` runs it.
///
/// It keeps three running means (River's `stats.Mean`: a count `n` and a
/// mean): `z` over every value, and the cut points `x_min` and `x_max`, copies
/// of `z` taken when `x_min + ε(x_min.n) >= z + ε(z.n)`, respectively
/// `x_max - ε(x_max.n) <= z - ε(z.n)`, with
/// `ε(n) = sqrt(1 / (2 n) * ln(1 / driftConfidence))`. The mean increased at
/// confidence `c` when `z - x_min >= sqrt(m / 2 * ln(2 / c))`,
/// `m = (z.n - x_min.n) / x_min.n * (1 / z.n)` (never when both counts are
/// equal); drift at `driftConfidence`, warning at `warningConfidence`; with
/// `twoSidedTest` a decrease (`x_max - z`) is detected too. The update after a
/// detection starts again from nothing (River's `_reset()`).
public struct HDDMA: ConceptDriftDetector {
    /// Parameters and state, on the heap (see `CopyOnWrite`).
    private var core: CopyOnWrite<Core>

    /// A fresh detector with River's parameters and defaults.
    public init(driftConfidence: Double = 0.001, warningConfidence: Double = 0.005, twoSidedTest: Bool = false) {
        core = CopyOnWrite(Core(driftConfidence: driftConfidence, warningConfidence: warningConfidence, twoSidedTest: twoSidedTest))
    }

    /// Confidence level of drift (River's `drift_confidence`).
    public var driftConfidence: Double { core.value.driftConfidence }
    /// Confidence level of a warning (River's `warning_confidence`).
    public var warningConfidence: Double { core.value.warningConfidence }
    /// Whether decreases of the mean are detected too (River's `two_sided_test`).
    public var twoSidedTest: Bool { core.value.twoSidedTest }
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

    /// A running mean, River's `stats.Mean` (`n` is a float).
    struct RunningMean: Sendable, Codable, Equatable {
        @JSONSafe var count = 0.0
        @JSONSafe var mean = 0.0
    }

    /// The parameters, the state and River's update.
    struct Core: Sendable, Codable, Equatable {
        let driftConfidence: Double
        let warningConfidence: Double
        let twoSidedTest: Bool
        var driftDetected = false
        var warningDetected = false
        /// Every value (River's `_z`).
        var all = RunningMean()
        /// The cut point for increases (River's `_x_min`).
        var minimumCut = RunningMean()
        /// The cut point for decreases (River's `_x_max`).
        var maximumCut = RunningMean()

        init(driftConfidence: Double, warningConfidence: Double, twoSidedTest: Bool) {
            self.driftConfidence = driftConfidence
            self.warningConfidence = warningConfidence
            self.twoSidedTest = twoSidedTest
        }

        mutating func update(_ value: Double) -> Bool {
            if driftDetected {
                self = Core(driftConfidence: driftConfidence, warningConfidence: warningConfidence, twoSidedTest: twoSidedTest)
            }
            all.count += 1.0
            all.mean += (1.0 / all.count) * (value - all.mean)
            if minimumCut.count == 0 { minimumCut = all }
            if maximumCut.count == 0 { maximumCut = all }

            let boundAll = hoeffdingBound(all.count)
            if minimumCut.mean + hoeffdingBound(minimumCut.count) >= all.mean + boundAll {
                minimumCut = all
            }
            if maximumCut.mean - hoeffdingBound(maximumCut.count) <= all.mean - boundAll {
                maximumCut = all
            }

            if meanIncreased(confidence: driftConfidence) {
                warningDetected = false
                driftDetected = true
            } else if meanIncreased(confidence: warningConfidence) {
                warningDetected = true
                driftDetected = false
            } else {
                warningDetected = false
                driftDetected = false
            }
            if twoSidedTest {
                if meanDecreased(confidence: driftConfidence) {
                    driftDetected = true
                } else if meanDecreased(confidence: warningConfidence) {
                    warningDetected = true
                }
            }
            return driftDetected
        }

        /// River's `_hoeffding_bound(n)`.
        func hoeffdingBound(_ n: Double) -> Double {
            (1.0 / (2 * n) * log(1.0 / driftConfidence)).squareRoot()
        }

        /// River's `_mean_incr(confidence)`.
        func meanIncreased(confidence: Double) -> Bool {
            if minimumCut.count == all.count { return false }
            let m = (all.count - minimumCut.count) / minimumCut.count * (1.0 / all.count)
            let epsilon = (m / 2 * log(2.0 / confidence)).squareRoot()
            return all.mean - minimumCut.mean >= epsilon
        }

        /// River's `_mean_decr(confidence)`.
        func meanDecreased(confidence: Double) -> Bool {
            if maximumCut.count == all.count { return false }
            let m = (all.count - maximumCut.count) / maximumCut.count * (1.0 / all.count)
            let epsilon = (m / 2 * log(2.0 / confidence)).squareRoot()
            return maximumCut.mean - all.mean >= epsilon
        }
    }
}
