/// The outcome of Pearson's chi-square test of independence.
public struct ChiSquareResult: Sendable, Equatable {
    /// Pearson's statistic, `sum((observed - expected)^2 / expected)`.
    public let statistic: Double
    /// `chi2.sf(statistic, degreesOfFreedom)`.
    public let pValue: Double
    /// `K - 1` for a 2 x K table.
    public let degreesOfFreedom: Int

    /// A result with the given fields.
    public init(statistic: Double, pValue: Double, degreesOfFreedom: Int) {
        self.statistic = statistic
        self.pValue = pValue
        self.degreesOfFreedom = degreesOfFreedom
    }
}

/// The chi-square test of CONTRACT.md §5 for a categorical feature.
public enum ChiSquareTest {
    /// `scipy.stats.chi2_contingency([reference, current], correction=False)`
    /// on the 2 x K table whose columns are the categories (the union of both
    /// sides' categories, so every column has a positive total).
    ///
    /// As scipy does (`scipy/stats/contingency.py`): the expected count of a
    /// cell is `row_total * column_total / total` (`expected_freq`, one
    /// multiplication and one division in float64); the statistic is the
    /// pairwise sum of `(observed - expected)**2 / expected` over the cells in
    /// row order (reference row first); the degrees of freedom are `K - 1`; the
    /// p-value is `scipy.special.chdtrc(K - 1, statistic)`, which is
    /// ``IncompleteGamma/regularizedUpper(a:x:)`` at `((K - 1) / 2, statistic / 2)`.
    /// With one category (`K == 1`, no degrees of freedom) scipy reports the
    /// statistic 0.0 and the p-value 1.0.
    ///
    /// - Returns: nil where scipy raises: an empty table, a negative count, or
    ///   an expected count of 0, which happens when either side has no values
    ///   at all (a zero row total) or a category has no values on either side
    ///   (a zero column total).
    public static func contingency(reference: [Int], current: [Int]) -> ChiSquareResult? {
        precondition(reference.count == current.count, "chi-square needs aligned count vectors")
        let categoryCount = reference.count
        guard categoryCount > 0 else { return nil }
        guard reference.allSatisfy({ $0 >= 0 }), current.allSatisfy({ $0 >= 0 }) else { return nil }
        let referenceTotal = Double(reference.reduce(0, +))
        let currentTotal = Double(current.reduce(0, +))
        let total = referenceTotal + currentTotal
        var terms = [Double](repeating: 0, count: 2 * categoryCount)
        for (row, observedRow, rowTotal) in [(0, reference, referenceTotal), (1, current, currentTotal)] {
            for column in 0..<categoryCount {
                let columnTotal = Double(reference[column] + current[column])
                let expected = rowTotal * columnTotal / total
                guard expected != 0 else { return nil }
                let difference = Double(observedRow[column]) - expected
                terms[row * categoryCount + column] = difference * difference / expected
            }
        }
        let degreesOfFreedom = categoryCount - 1
        if degreesOfFreedom == 0 {
            return ChiSquareResult(statistic: 0.0, pValue: 1.0, degreesOfFreedom: 0)
        }
        let statistic = SIMDKernels.sum(terms)
        let pValue = IncompleteGamma.regularizedUpper(a: Double(degreesOfFreedom) / 2.0, x: statistic / 2.0)
        return ChiSquareResult(statistic: statistic, pValue: pValue, degreesOfFreedom: degreesOfFreedom)
    }
}
