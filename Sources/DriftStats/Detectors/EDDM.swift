/// EDDM, the Early Drift Detection Method (Baena-García et al. 2006),
/// exactly as River 0.26.1's `river.drift.binary.EDDM` runs it.
///
/// Fed `x` (1 = error), it tracks the distances between consecutive errors
/// (River's `stats.Var`, Welford with `ddof = 1`): at an error past
/// `warmStart` updates, `p2s = mean + 2 * variance ** 0.5`; a new maximum is
/// recorded, otherwise, once more than `warmStart` errors were seen, drift
/// when `p2s / max < beta` and warning when it is below `alpha`. The square
/// root is Python's `** 0.5`, libm's `pow` (see `libmPower`). The update after
/// a detection starts again from nothing (River's `_reset()`).
public struct EDDM: ConceptDriftDetector {
    /// Parameters and state, on the heap (see `CopyOnWrite`).
    private var core: CopyOnWrite<Core>

    /// A fresh detector with River's parameters and defaults; `alpha >= beta`
    /// (River raises otherwise).
    public init(warmStart: Int = 30, alpha: Double = 0.95, beta: Double = 0.9) {
        precondition(alpha >= beta, "EDDM alpha must be greater or equal to beta")
        core = CopyOnWrite(Core(warmStart: warmStart, alpha: alpha, beta: beta))
    }

    /// Updates and errors before change can be detected (River's `warm_start`).
    public var warmStart: Int { core.value.warmStart }
    /// Warning level (River's `alpha`), at least `beta`.
    public var alpha: Double { core.value.alpha }
    /// Drift level (River's `beta`).
    public var beta: Double { core.value.beta }
    /// Whether the last update detected drift.
    public var driftDetected: Bool { core.value.driftDetected }
    /// Whether the detector is in the warning zone (River's `warning_detected`).
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
        let alpha: Double
        let beta: Double
        var driftDetected = false
        var warningDetected = false
        /// Updates seen (River's `_n`).
        var count = 0
        /// The update count at the last error (River's `_last_error`).
        var lastError = 0
        /// Errors seen (River's `_n_errors`).
        var errorCount = 0
        /// Distances recorded (River's `_error_distances.n`, a float).
        @JSONSafe var distanceCount = 0.0
        /// Their running mean.
        @JSONSafe var distanceMean = 0.0
        /// Their sum of squared deviations (River's `_S`).
        @JSONSafe var distanceSquares = 0.0
        /// The largest `p2s` so far (River's `_p2s_prime_max`, initially -1).
        @JSONSafe var maximum = -1.0

        init(warmStart: Int, alpha: Double, beta: Double) {
            self.warmStart = warmStart
            self.alpha = alpha
            self.beta = beta
        }

        mutating func update(_ value: Double) -> Bool {
            if driftDetected {
                self = Core(warmStart: warmStart, alpha: alpha, beta: beta)
            }
            count += 1
            if value == 1 {
                errorCount += 1
                let distance = Double(count - lastError)
                let previousMean = distanceMean
                distanceCount += 1.0
                distanceMean += (1.0 / distanceCount) * (distance - distanceMean)
                distanceSquares += (distance - previousMean) * (distance - distanceMean)
                if count > warmStart {
                    let variance = distanceCount > 1 ? distanceSquares / (distanceCount - 1) : 0.0
                    let p2s = distanceMean + 2 * libmPower(variance, 0.5)
                    if p2s > maximum {
                        maximum = p2s
                    } else if errorCount > warmStart {
                        let level = p2s / maximum
                        if level < beta {
                            driftDetected = true
                        } else if level < alpha {
                            warningDetected = true
                        } else {
                            warningDetected = false
                        }
                    }
                }
                lastError = count
            }
            return driftDetected
        }
    }
}
