public import DriftRules

/// The result of one drift test on one column of one window (a method entry of the report, §4).
public struct DriftOutcome: Sendable, Equatable {
    public var method: MonitorRule.DriftTest.Method
    /// PSI, Jensen-Shannon and Wasserstein report a value.
    public var value: Double?
    /// KS and chi2 report a statistic and a p-value.
    public var statistic: Double?
    public var pValue: Double?
    public var threshold: Double
    public var minStatistic: Double?
    public var drift: Bool
    /// KS only: "exact" or "asymptotic".
    public var pValueMethod: String?
    /// Why no value could be computed (e.g. no values in the window).
    public var note: String?
    /// chi2: Cramér's V, the effect size `min_statistic` guards.
    public var cramersV: Double?
    /// The p-value after the monitor's multiple-testing correction (drift is decided on it).
    public var adjustedPValue: Double?
    /// `threshold: "auto"`: how the threshold was calibrated.
    public var calibration: Calibration?

    /// The statistic an automatic threshold calibrates: the value, or the KS/chi2 statistic.
    public var calibratedStatistic: Double? { method.isPValueTest ? statistic : value }

    /// The number compared with the threshold: the (adjusted) p-value for KS and chi2, else the
    /// value; with a calibrated threshold, the calibrated statistic.
    public var comparedValue: Double? {
        if calibration != nil { return calibratedStatistic }
        return method.isPValueTest ? (adjustedPValue ?? pValue) : value
    }
}
