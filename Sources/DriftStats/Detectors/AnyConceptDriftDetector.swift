/// Any detector, built from a rule's detector name and River-named parameters (all present: the rule validator fills defaults; integers arrive as Double).
///
/// Each case replicates the River 0.26.1 detector of the same name (see the
/// detector types); `kswin` uses driftd's own generator.
public enum AnyConceptDriftDetector: Sendable, Codable, Equatable {
    /// `river.drift.ADWIN`.
    case adwin(ADWIN)
    /// `river.drift.binary.DDM`.
    case ddm(DDM)
    /// `river.drift.binary.EDDM`.
    case eddm(EDDM)
    /// `river.drift.PageHinkley`.
    case pageHinkley(PageHinkley)
    /// `river.drift.binary.HDDMA`.
    case hddmA(HDDMA)
    /// `river.drift.binary.HDDMW`.
    case hddmW(HDDMW)
    /// `river.drift.KSWIN`, with driftd's seeded generator.
    case kswin(KSWIN)

    /// The detector a rule names: `kind` is one of `"adwin"`, `"ddm"`,
    /// `"eddm"`, `"page_hinkley"`, `"hddm_a"`, `"hddm_w"`, `"kswin"`;
    /// `parameters` holds every parameter under River's name (`delta`,
    /// `clock`, `max_buckets`, `min_window_length`, `grace_period`;
    /// `warm_start`, `warning_threshold`, `drift_threshold`; `alpha`, `beta`;
    /// `min_instances`, `threshold`; `drift_confidence`,
    /// `warning_confidence`, `two_sided_test` as 0/1, `lambda_val`;
    /// `window_size`, `stat_size`, `seed`), integers as whole Doubles;
    /// `mode` is Page-Hinkley's `"both"`, `"up"` or `"down"` (nil: `"both"`).
    ///
    /// Nil for an unknown kind, a missing parameter, an integer parameter that
    /// is not a whole number in range, an unknown mode, or parameters River
    /// rejects: EDDM with `alpha < beta`, KSWIN with
    /// `2 * stat_size > window_size` (River's sample of `stat_size` out of
    /// `window_size - stat_size` raises).
    public init?(kind: String, parameters: [String: Double], mode: String?) {
        func number(_ name: String) -> Double? { parameters[name] }
        func integer(_ name: String, minimum: Int = 1, maximum: Int = Int(Int32.max)) -> Int? {
            guard let value = parameters[name], let whole = Int(exactly: value), whole >= minimum, whole <= maximum else { return nil }
            return whole
        }
        func flag(_ name: String) -> Bool? {
            switch parameters[name] {
            case 0: false
            case 1: true
            default: nil
            }
        }
        switch kind {
        case "adwin":
            guard let delta = number("delta"), let clock = integer("clock"), let maxBuckets = integer("max_buckets"),
                  let minWindowLength = integer("min_window_length"), let gracePeriod = integer("grace_period") else { return nil }
            self = .adwin(ADWIN(delta: delta, clock: clock, maxBuckets: maxBuckets,
                                minWindowLength: minWindowLength, gracePeriod: gracePeriod))
        case "ddm":
            guard let warmStart = integer("warm_start", minimum: 0), let warningThreshold = number("warning_threshold"),
                  let driftThreshold = number("drift_threshold") else { return nil }
            self = .ddm(DDM(warmStart: warmStart, warningThreshold: warningThreshold, driftThreshold: driftThreshold))
        case "eddm":
            guard let warmStart = integer("warm_start", minimum: 0), let alpha = number("alpha"), let beta = number("beta"),
                  alpha >= beta else { return nil }
            self = .eddm(EDDM(warmStart: warmStart, alpha: alpha, beta: beta))
        case "page_hinkley":
            guard let minInstances = integer("min_instances", minimum: 0), let delta = number("delta"),
                  let threshold = number("threshold"), let alpha = number("alpha"),
                  let mode = PageHinkley.Mode(rawValue: mode ?? "both") else { return nil }
            self = .pageHinkley(PageHinkley(minInstances: minInstances, delta: delta, threshold: threshold, alpha: alpha, mode: mode))
        case "hddm_a":
            guard let driftConfidence = number("drift_confidence"), let warningConfidence = number("warning_confidence"),
                  let twoSidedTest = flag("two_sided_test") else { return nil }
            self = .hddmA(HDDMA(driftConfidence: driftConfidence, warningConfidence: warningConfidence, twoSidedTest: twoSidedTest))
        case "hddm_w":
            guard let driftConfidence = number("drift_confidence"), let warningConfidence = number("warning_confidence"),
                  let lambda = number("lambda_val"), let twoSidedTest = flag("two_sided_test") else { return nil }
            self = .hddmW(HDDMW(driftConfidence: driftConfidence, warningConfidence: warningConfidence,
                                lambda: lambda, twoSidedTest: twoSidedTest))
        case "kswin":
            guard let alpha = number("alpha"), let windowSize = integer("window_size", maximum: 1 << 24),
                  let statSize = integer("stat_size"), 2 * statSize <= windowSize,
                  let seedValue = parameters["seed"], let seed = UInt64(exactly: seedValue) else { return nil }
            self = .kswin(KSWIN(alpha: alpha, windowSize: windowSize, statSize: statSize, seed: seed))
        default:
            return nil
        }
    }

    /// Feeds one value to the detector; whether drift is detected at it.
    ///
    /// The payload is moved out of `self` (`switch consume self`) and back,
    /// so its storage stays uniquely referenced: no copy, no reference
    /// counting per update.
    public mutating func update(_ value: Double) -> Bool {
        switch consume self {
        case .adwin(var detector):
            let drift = detector.update(value)
            self = .adwin(detector)
            return drift
        case .ddm(var detector):
            let drift = detector.update(value)
            self = .ddm(detector)
            return drift
        case .eddm(var detector):
            let drift = detector.update(value)
            self = .eddm(detector)
            return drift
        case .pageHinkley(var detector):
            let drift = detector.update(value)
            self = .pageHinkley(detector)
            return drift
        case .hddmA(var detector):
            let drift = detector.update(value)
            self = .hddmA(detector)
            return drift
        case .hddmW(var detector):
            let drift = detector.update(value)
            self = .hddmW(detector)
            return drift
        case .kswin(var detector):
            let drift = detector.update(value)
            self = .kswin(detector)
            return drift
        }
    }
}
