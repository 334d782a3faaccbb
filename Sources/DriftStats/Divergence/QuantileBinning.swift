/// The bins of a numerical feature for PSI and Jensen-Shannon (CONTRACT.md
/// §5): edges at the reference's quantiles, a value's bin the number of edges
/// strictly below it.
public struct QuantileBinning: Sendable, Equatable, Codable {
    /// The bin edges, ascending and unique.
    public let edges: [Double]

    /// Edges `numpy.unique(numpy.quantile(reference, [k / bins for k in 1..<bins]))`:
    /// each quantile by ``Quantile/linear(sorted:q:)`` with
    /// `q = Double(k) / Double(bins)`, then sorted with duplicates removed
    /// (`numpy.unique`), so data with a dominant value gives fewer bins.
    ///
    /// - Parameters:
    ///   - referenceSorted: the reference values in ascending order, without
    ///     NaN. An empty reference gives no edges (one bin).
    ///   - bins: the contract's `B`, at least 1.
    public init(referenceSorted: [Double], bins: Int) {
        precondition(bins >= 1, "PSI needs at least one bin")
        let quantiles = referenceSorted.isEmpty
            ? []
            : (1..<bins).map { k in Quantile.linear(sorted: referenceSorted, q: Double(k) / Double(bins)) }
        self.init(edges: quantiles)
    }

    /// Bins with the given edges, sorted and with duplicates removed as
    /// `numpy.unique` does.
    public init(edges: [Double]) {
        var unique: [Double] = []
        unique.reserveCapacity(edges.count)
        for edge in edges.sorted() where unique.last != edge {
            unique.append(edge)
        }
        self.edges = unique
    }

    private enum CodingKeys: String, CodingKey {
        case edges
    }

    /// Decodes the edges and normalises them as ``init(edges:)`` does, so a
    /// decoded binning keeps the ascending-unique invariant.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(edges: try container.decode([Double].self, forKey: .edges))
    }

    /// Encodes the edges.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(edges, forKey: .edges)
    }

    /// The number of bins: one more than the number of edges.
    public var binCount: Int { edges.count + 1 }

    /// The bin of `value`: the number of edges strictly below it,
    /// `numpy.searchsorted(edges, value, side="left")` (NaN: the last bin).
    public func bin(of value: Double) -> Int {
        edges.withUnsafeBufferPointer { SIMDKernels.searchsortedLeft($0, value) }
    }

    /// The number of `values` in each bin (length ``binCount``), by the SIMD
    /// histogram ``SIMDKernels/histogram(_:edges:)``.
    public func counts(_ values: [Double]) -> [Int] {
        SIMDKernels.histogram(values, edges: edges)
    }

    /// ``counts(_:)`` of values already sorted ascending, without NaN: one
    /// binary search per edge (the number of values `<= edge`), so
    /// `O(edges * log n)` instead of a pass over the values. The engine's
    /// windows and references are sorted (for KS and Wasserstein) anyway.
    public func counts(sorted values: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: binCount)
        values.withUnsafeBufferPointer { buffer in
            var below = 0
            for (bin, edge) in edges.enumerated() {
                // First index past the values <= edge, searched from the previous edge's.
                var low = below
                var high = buffer.count
                while low < high {
                    let middle = low + (high - low) / 2
                    if buffer[middle] <= edge { low = middle + 1 } else { high = middle }
                }
                counts[bin] = low - below
                below = low
            }
            counts[edges.count] = buffer.count - below
        }
        return counts
    }
}
