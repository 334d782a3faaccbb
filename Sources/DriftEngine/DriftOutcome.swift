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

    /// The number compared with the threshold: the p-value for KS and chi2, else the value.
    public var comparedValue: Double? { method.isPValueTest ? pValue : value }
}
