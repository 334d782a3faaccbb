public import DriftRules
import DriftStats

/// Runs one drift test of CONTRACT.md §5 on a window's column against the reference column.
public enum DriftTester {
    /// With a `calibration`, its threshold replaces the rule's and drift is a statistic above it.
    public static func run(_ test: MonitorRule.DriftTest, reference: ReferenceColumn, current: ColumnValues,
                           calibration: Calibration?) -> DriftOutcome {
        var outcome = DriftOutcome(method: test.method, threshold: calibration?.threshold ?? test.threshold,
                                   minStatistic: test.minStatistic, drift: false)
        outcome.calibration = calibration
        if reference.values.present == 0 {
            outcome.note = "no reference values"
            return outcome
        }
        if current.present == 0 {
            outcome.note = "no values in the window"
            return outcome
        }
        switch (test.method, current) {
        case (.psi, .numerical(let sorted, _)):
            let (binning, referenceCounts) = reference.binning(bins: test.bins)
            outcome.value = PopulationStabilityIndex.value(reference: referenceCounts, current: binning.counts(sorted))
        case (.jensenShannon, .numerical(let sorted, _)):
            let (binning, referenceCounts) = reference.binning(bins: test.bins)
            outcome.value = JensenShannon.distance(reference: referenceCounts, current: binning.counts(sorted))
        case (.psi, .categorical(let counts, _)):
            let (r, c) = aligned(reference.values, counts)
            outcome.value = PopulationStabilityIndex.value(reference: r, current: c)
        case (.jensenShannon, .categorical(let counts, _)):
            let (r, c) = aligned(reference.values, counts)
            outcome.value = JensenShannon.distance(reference: r, current: c)
        case (.chi2, .categorical(let counts, _)):
            let (r, c) = aligned(reference.values, counts)
            if let result = ChiSquareTest.contingency(reference: r, current: c) {
                outcome.statistic = result.statistic
                outcome.pValue = result.pValue
                // Cramér's V of the 2 x K table: sqrt(chi2 / (n * (min(2, K) - 1))).
                let total = Double(r.reduce(0, +) + c.reduce(0, +))
                outcome.cramersV = r.count < 2 ? 0 : (result.statistic / total).squareRoot()
            }
        case (.ks, .numerical(let sorted, _)):
            guard case .numerical(let referenceSorted, _) = reference.values else { break }
            if let result = KolmogorovSmirnov.twoSample(sortedReference: referenceSorted, sortedCurrent: sorted) {
                outcome.statistic = result.statistic
                outcome.pValue = result.pValue
                outcome.pValueMethod = result.method.rawValue
            }
        case (.wasserstein, .numerical(let sorted, _)):
            guard case .numerical(let referenceSorted, _) = reference.values else { break }
            outcome.value = Wasserstein.normalized(sortedReference: referenceSorted, sortedCurrent: sorted)
            if outcome.value == nil { outcome.note = "the reference has zero standard deviation" }
        default:
            outcome.note = "method does not apply to this column"
        }
        outcome.drift = isDrift(outcome)
        return outcome
    }

    /// The rule of CONTRACT.md §5 (p-value below, or value at or above, the threshold), with the
    /// effect-size guard and, for a calibrated threshold, a statistic strictly above it (NannyML).
    static func isDrift(_ outcome: DriftOutcome) -> Bool {
        if let minimum = outcome.minStatistic {
            let effect = outcome.method == .chi2 ? outcome.cramersV : outcome.statistic
            if let effect, effect < minimum { return false }
        }
        guard let compared = outcome.comparedValue else { return false }
        if outcome.calibration != nil { return compared > outcome.threshold }
        return outcome.method.isPValueTest ? compared < outcome.threshold : compared >= outcome.threshold
    }

    /// Reference and current counts over the union of categories seen in either.
    static func aligned(_ reference: ColumnValues, _ current: [Int]) -> ([Int], [Int]) {
        guard case .categorical(let referenceCounts, _) = reference else { return ([], []) }
        var r: [Int] = []
        var c: [Int] = []
        for id in 0..<max(referenceCounts.count, current.count) {
            let a = id < referenceCounts.count ? referenceCounts[id] : 0
            let b = id < current.count ? current[id] : 0
            if a > 0 || b > 0 {
                r.append(a)
                c.append(b)
            }
        }
        return (r, c)
    }
}
