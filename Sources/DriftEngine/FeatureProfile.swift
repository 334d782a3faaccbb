/// One feature's distribution in the reference and in a window, binned for a histogram (the HTML
/// report's pictures; the JSON report does not carry them).
///
/// Numerical: 12 equal-width bins over the reference's range; window values outside it fall in the
/// first or last bin. Categorical: the reference's 12 most frequent categories, then the window's
/// other categories among its 12 most frequent, then "other". Shares of the present values.
public struct FeatureProfile: Sendable, Equatable {
    public var name: String
    /// The window the `current` shares are of.
    public var window: Int
    /// Bin labels: "[1.5, 3)" or a category.
    public var bins: [String]
    public var reference: [Double]
    public var current: [Double]

    static let binCount = 12

    /// The profile of a feature, or nil when either side has no values.
    static func make(name: String, window: Int, reference: ColumnValues, current: ColumnValues, categoryNames: [String]) -> FeatureProfile? {
        switch (reference, current) {
        case (.numerical(let sortedReference, _), .numerical(let sortedCurrent, _)):
            guard let low = sortedReference.first, let high = sortedReference.last, !sortedCurrent.isEmpty else { return nil }
            let width = high > low ? (high - low) / Double(binCount) : 1
            let count = high > low ? binCount : 1
            func shares(_ values: [Double]) -> [Double] {
                var counts = [Double](repeating: 0, count: count)
                for value in values { counts[min(count - 1, max(0, Int((value - low) / width)))] += 1 }
                return counts.map { $0 / Double(values.count) }
            }
            let labels = (0..<count).map { i in
                "[\(AlertRaiser.format(low + Double(i) * width)), \(AlertRaiser.format(low + Double(i + 1) * width))\(i == count - 1 ? "]" : ")")"
            }
            return FeatureProfile(name: name, window: window, bins: labels, reference: shares(sortedReference), current: shares(sortedCurrent))
        case (.categorical(let referenceCounts, _), .categorical(let currentCounts, _)):
            let referenceTotal = Double(referenceCounts.reduce(0, +))
            let currentTotal = Double(currentCounts.reduce(0, +))
            guard referenceTotal > 0, currentTotal > 0 else { return nil }
            func top(_ counts: [Int]) -> [Int] {
                counts.indices.filter { counts[$0] > 0 }.sorted { (counts[$0], $1) > (counts[$1], $0) }.prefix(binCount).map { $0 }
            }
            var chosen = top(referenceCounts)
            for id in top(currentCounts) where !chosen.contains(id) { chosen.append(id) }
            func share(_ counts: [Int], _ id: Int, _ total: Double) -> Double { id < counts.count ? Double(counts[id]) / total : 0 }
            var labels = chosen.map { $0 < categoryNames.count ? categoryNames[$0] : "#\($0)" }
            var referenceShares = chosen.map { share(referenceCounts, $0, referenceTotal) }
            var currentShares = chosen.map { share(currentCounts, $0, currentTotal) }
            let otherReference = 1 - referenceShares.reduce(0, +)
            let otherCurrent = 1 - currentShares.reduce(0, +)
            if otherReference > 1e-12 || otherCurrent > 1e-12 {
                labels.append("other")
                referenceShares.append(max(0, otherReference))
                currentShares.append(max(0, otherCurrent))
            }
            return FeatureProfile(name: name, window: window, bins: labels, reference: referenceShares, current: currentShares)
        default:
            return nil
        }
    }
}
