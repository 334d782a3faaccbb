public import DriftRules

/// A window's data quality for one feature: missing values, values outside the reference's range
/// (numerical), categories the reference never had (categorical).
public struct QualityFindings: Sendable, Equatable {
    public var missingRate: Double
    /// Numerical: values below the reference's minimum or above its maximum.
    public var outOfRange: Int?
    public var outOfRangeRate: Double?
    /// Categorical: values whose category never appeared in the reference, and (up to 20) those categories.
    public var unseen: Int?
    public var unseenRate: Double?
    public var unseenCategories: [String] = []

    /// At most this many unseen category names are listed.
    public static let unseenNameLimit = 20

    /// Measures `current` (a window's column of `count` records) against `reference`.
    public static func measure(current: ColumnValues, count: Int, reference: ReferenceColumn, names: [String]) -> QualityFindings {
        var findings = QualityFindings(missingRate: count == 0 ? 0 : Double(current.missing) / Double(count))
        let present = current.present
        switch (current, reference.values) {
        case (.numerical(let sorted, _), .numerical(let referenceSorted, _)):
            guard let low = referenceSorted.first, let high = referenceSorted.last else { break }
            let below = sorted.partitioningIndex { $0 >= low }
            let above = sorted.count - sorted.partitioningIndex { $0 > high }
            findings.outOfRange = below + above
            findings.outOfRangeRate = present == 0 ? 0 : Double(below + above) / Double(present)
        case (.categorical(let counts, _), .categorical(let referenceCounts, _)):
            var unseen = 0
            for (id, n) in counts.enumerated() where n > 0 && (id >= referenceCounts.count || referenceCounts[id] == 0) {
                unseen += n
                if findings.unseenCategories.count < unseenNameLimit { findings.unseenCategories.append(names[id]) }
            }
            findings.unseen = unseen
            findings.unseenRate = present == 0 ? 0 : Double(unseen) / Double(present)
        default:
            break
        }
        return findings
    }

    /// The rates above their bounds: (name, rate, bound).
    public func exceeded(_ bounds: MonitorRule.QualityBounds) -> [(String, Double, Double)] {
        var result: [(String, Double, Double)] = []
        if let bound = bounds.missingRate, missingRate > bound { result.append(("missing_rate", missingRate, bound)) }
        if let bound = bounds.outOfRangeRate, let rate = outOfRangeRate, rate > bound { result.append(("out_of_range_rate", rate, bound)) }
        if let bound = bounds.unseenRate, let rate = unseenRate, rate > bound { result.append(("unseen_rate", rate, bound)) }
        return result
    }
}

extension Array where Element == Double {
    /// The first index whose element satisfies `belongs` (elements are sorted so that it holds for a suffix).
    func partitioningIndex(where belongs: (Double) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
