public import DriftStats

/// One column of the reference data, with what the tests derive from it computed once:
/// quantile edges and bin counts per bin count, and the standard deviation.
public final class ReferenceColumn: @unchecked Sendable {
    public let values: ColumnValues
    private var binnings: [Int: (binning: QuantileBinning, counts: [Int])] = [:]

    public init(values: ColumnValues) {
        self.values = values
    }

    /// The reference's PSI bins for `bins` quantiles, and its counts in them.
    public func binning(bins: Int) -> (binning: QuantileBinning, counts: [Int]) {
        if let cached = binnings[bins] { return cached }
        guard case .numerical(let sorted, _) = values else { preconditionFailure("binning of a categorical column") }
        let binning = QuantileBinning(referenceSorted: sorted, bins: bins)
        let entry = (binning, binning.counts(sorted))
        binnings[bins] = entry
        return entry
    }
}
