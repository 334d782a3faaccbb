import DriftRules

/// A threshold calibrated on the reference, as NannyML does it (`StandardDeviationThreshold`):
/// the reference is cut into chunks of the window's size, each chunk is tested against the whole
/// reference, and the threshold is the mean of those statistics plus 3 population standard
/// deviations. Drift is then a statistic above it.
public struct Calibration: Sendable, Equatable {
    /// How many standard deviations above the mean the threshold sits.
    public static let multiplier = 3.0

    /// The chunk statistics (PSI, Jensen-Shannon or Wasserstein value; KS or chi2 statistic).
    public var values: [Double]
    public var mean: Double
    public var standardDeviation: Double
    public var threshold: Double

    /// Calibrates from chunk statistics; nil when fewer than two chunks gave a value.
    public init?(values: [Double]) {
        guard values.count >= 2 else { return nil }
        self.values = values
        mean = values.reduce(0, +) / Double(values.count)
        let mean = self.mean
        standardDeviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
        threshold = mean + Self.multiplier * standardDeviation
    }

    /// Calibrates `test` on `reference`, cut into `chunkCount` chunks by `chunk(i)`.
    static func calibrate(_ test: MonitorRule.DriftTest, reference: ReferenceColumn, chunkCount: Int,
                          chunk: (Int) -> ColumnValues) -> Calibration? {
        var values: [Double] = []
        for i in 0..<chunkCount {
            let outcome = DriftTester.run(test, reference: reference, current: chunk(i), calibration: nil)
            if let value = outcome.calibratedStatistic { values.append(value) }
        }
        return Calibration(values: values)
    }
}
