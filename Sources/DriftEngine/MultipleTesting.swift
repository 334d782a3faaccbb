public import DriftRules

/// Adjusted p-values for a family of tests, as `statsmodels.stats.multitest.multipletests` computes
/// them for `bonferroni`, `holm` and `fdr_bh` (Benjamini-Hochberg).
public enum MultipleTesting {
    public static func adjusted(_ pValues: [Double], method: MonitorRule.Correction) -> [Double] {
        let m = pValues.count
        guard m > 0, method != .none else { return pValues }
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 0, count: m)
        switch method {
        case .none:
            return pValues
        case .bonferroni:
            return pValues.map { min(1, $0 * Double(m)) }
        case .holm:
            var running = 0.0
            for (rank, index) in order.enumerated() {
                running = max(running, pValues[index] * Double(m - rank))
                adjusted[index] = min(1, running)
            }
        case .benjaminiHochberg:
            var running = Double.infinity
            for (rank, index) in order.enumerated().reversed() {
                running = min(running, pValues[index] / (Double(rank + 1) / Double(m)))
                adjusted[index] = min(1, running)
            }
        }
        return adjusted
    }
}
