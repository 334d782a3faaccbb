import DriftStats

/// The non-missing values of one column over a set of rows, in the form the statistics need.
public enum ColumnValues: Sendable {
    /// Numbers sorted ascending (missing left out).
    case numerical(sorted: [Double], missing: Int)
    /// Counts by category id (missing left out).
    case categorical(counts: [Int], missing: Int)

    public var missing: Int {
        switch self {
        case .numerical(_, let missing), .categorical(_, let missing): missing
        }
    }

    /// The number of non-missing values.
    public var present: Int {
        switch self {
        case .numerical(let sorted, _): sorted.count
        case .categorical(let counts, _): counts.reduce(0, +)
        }
    }

    /// Gathers a numerical column over `rows`, sorting the present values.
    public static func numerical(_ column: [Double], rows: [Int]) -> ColumnValues {
        var values: [Double] = []
        values.reserveCapacity(rows.count)
        for row in rows {
            let value = column[row]
            if !value.isNaN { values.append(value) }
        }
        let missing = rows.count - values.count
        // The radix sort orders as `sort()` does (-0.0 before 0.0 among the equal zeros); sorting
        // into a new array lets large windows be sorted without a scratch copy.
        return .numerical(sorted: RadixSort.sorted(values), missing: missing)
    }

    /// Counts a categorical column over `rows`; `categoryCount` sizes the counts array.
    public static func categorical(_ column: [Int32], rows: [Int], categoryCount: Int) -> ColumnValues {
        var counts = [Int](repeating: 0, count: categoryCount)
        var missing = 0
        for row in rows {
            let id = column[row]
            if id < 0 { missing += 1 } else { counts[Int(id)] += 1 }
        }
        return .categorical(counts: counts, missing: missing)
    }
}
