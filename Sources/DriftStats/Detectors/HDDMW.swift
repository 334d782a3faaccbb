#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HDDM-W, the drift detection method based on McDiarmid's bounds with
/// exponentially weighted moving averages (Frías-Blanco et al. 2014), exactly
/// as River 0.26.1's `river.drift.binary.HDDMW` runs it.
///
/// Each sample summary (River's `SampleInfo`) holds an EWMA (River's Rust
/// `EWMean`: the first value, then `λ x + (1 - λ) ewma`) and the independent
/// bound condition `ibc = λ² + (1 - λ)² ibc` from 1, with `(1 - λ)²` computed
/// as Python's `** 2` (libm's `pow`, see `libmPower`). Per value: the total
/// summary is updated; the increase cut point moves to `ewma + ε` when that
/// is lower than before (`ε = sqrt(ibc * ln(1 / driftConfidence) / 2)`),
/// copying the total summary and restarting the second one, which otherwise
/// takes the value; drift when `s2.ewma - s1.ewma > sqrt((s1.ibc + s2.ibc) *
/// ln(1 / c) / 2)` at `driftConfidence` (warning at `warningConfidence`); then
/// the same for decreases, tested only with `twoSidedTest`. The update after a
/// detection starts again from nothing (River's `_reset()`).
public struct HDDMW: ConceptDriftDetector {
    /// Parameters and state, on the heap (see `CopyOnWrite`).
    private var core: CopyOnWrite<Core>

    /// A fresh detector with River's parameters and defaults (`lambda` is River's `lambda_val`).
    public init(driftConfidence: Double = 0.001, warningConfidence: Double = 0.005, lambda: Double = 0.05, twoSidedTest: Bool = false) {
        core = CopyOnWrite(Core(driftConfidence: driftConfidence, warningConfidence: warningConfidence, lambda: lambda,
                                twoSidedTest: twoSidedTest))
    }

    /// Confidence level of drift (River's `drift_confidence`).
    public var driftConfidence: Double { core.value.driftConfidence }
    /// Confidence level of a warning (River's `warning_confidence`).
    public var warningConfidence: Double { core.value.warningConfidence }
    /// Weight of the newest value in the moving averages (River's `lambda_val`).
    public var lambda: Double { core.value.lambda }
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

    /// River's `SampleInfo`.
    struct Sample: Sendable, Codable, Equatable {
        @JSONSafe var average = 0.0
        var isInitialized = false
        @JSONSafe var boundCondition = 1.0
    }

    /// The parameters, the state and River's update.
    struct Core: Sendable, Codable, Equatable {
        let driftConfidence: Double
        let warningConfidence: Double
        let lambda: Double
        let twoSidedTest: Bool
        /// `λ²` (River's `_lambd_sq`).
        let lambdaSquared: Double
        /// `(1 - λ) ** 2` (River's `_c_lambd_sq`).
        let complementSquared: Double
        var driftDetected = false
        var warningDetected = false
        /// River's `_total`.
        var total = Sample()
        /// River's `_s1_incr`.
        var firstIncrease = Sample()
        /// River's `_s2_incr`.
        var secondIncrease = Sample()
        /// River's `_s1_decr`.
        var firstDecrease = Sample()
        /// River's `_s2_decr`.
        var secondDecrease = Sample()
        /// River's `_incr_cutpoint`.
        @JSONSafe var increaseCutPoint = Double.infinity
        /// River's `_decr_cutpoint`.
        @JSONSafe var decreaseCutPoint = -Double.infinity

        init(driftConfidence: Double, warningConfidence: Double, lambda: Double, twoSidedTest: Bool) {
            self.driftConfidence = driftConfidence
            self.warningConfidence = warningConfidence
            self.lambda = lambda
            self.twoSidedTest = twoSidedTest
            lambdaSquared = lambda * lambda
            complementSquared = libmPower(1 - lambda, 2)
        }

        mutating func update(_ value: Double) -> Bool {
            if driftDetected {
                total = Sample()
                firstIncrease = Sample()
                secondIncrease = Sample()
                firstDecrease = Sample()
                secondDecrease = Sample()
                increaseCutPoint = .infinity
                decreaseCutPoint = -.infinity
                driftDetected = false
                warningDetected = false
            }
            add(value, to: &total)

            let increaseBound = mcDiarmidBound(total.boundCondition, driftConfidence)
            if total.average + increaseBound < increaseCutPoint {
                increaseCutPoint = total.average + increaseBound
                firstIncrease = total
                secondIncrease = Sample()
            } else {
                add(value, to: &secondIncrease)
            }
            if meanChanged(firstIncrease, secondIncrease, driftConfidence) {
                warningDetected = false
                driftDetected = true
            } else if meanChanged(firstIncrease, secondIncrease, warningConfidence) {
                warningDetected = true
                driftDetected = false
            } else {
                warningDetected = false
                driftDetected = false
            }

            let decreaseBound = mcDiarmidBound(total.boundCondition, driftConfidence)
            if total.average - decreaseBound > decreaseCutPoint {
                decreaseCutPoint = total.average - decreaseBound
                firstDecrease = total
                secondDecrease = Sample()
            } else {
                add(value, to: &secondDecrease)
            }
            if twoSidedTest {
                if meanChanged(secondDecrease, firstDecrease, driftConfidence) {
                    driftDetected = true
                } else if meanChanged(secondDecrease, firstDecrease, warningConfidence) {
                    warningDetected = true
                }
            }
            return driftDetected
        }

        /// `SampleInfo.update(x)`.
        func add(_ value: Double, to sample: inout Sample) {
            sample.average = sample.isInitialized ? lambda * value + (1.0 - lambda) * sample.average : value
            sample.isInitialized = true
            sample.boundCondition = lambdaSquared + complementSquared * sample.boundCondition
        }

        /// River's `_mcdiarmid_bound(ibc, confidence)`.
        func mcDiarmidBound(_ boundCondition: Double, _ confidence: Double) -> Double {
            (boundCondition * log(1 / confidence) / 2).squareRoot()
        }

        /// River's `_has_mean_changed(sample1, sample2, confidence)`.
        func meanChanged(_ first: Sample, _ second: Sample, _ confidence: Double) -> Bool {
            guard first.isInitialized && second.isInitialized else { return false }
            let bound = mcDiarmidBound(first.boundCondition + second.boundCondition, confidence)
            return second.average - first.average > bound
        }
    }
}
