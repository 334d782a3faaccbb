#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The outcome of the two-sample Kolmogorov–Smirnov test.
public struct KolmogorovSmirnovResult: Sendable, Equatable {
    /// How the p-value was computed, as `ks_2samp`'s `method` would name it.
    public enum Method: String, Sendable {
        /// The exact distribution of the statistic (lattice-path counting).
        case exact
        /// `kstwo.sf(D, round(m n / (m + n)))`.
        case asymptotic
    }

    /// `D`, the largest distance between the two empirical CDFs; in exact
    /// mode `round(D * lcm) / lcm`, as scipy returns it.
    public let statistic: Double
    /// The two-sided p-value, in `[0, 1]`.
    public let pValue: Double
    /// The method that produced `pValue`.
    public let method: Method

    /// A result with the given fields.
    public init(statistic: Double, pValue: Double, method: Method) {
        self.statistic = statistic
        self.pValue = pValue
        self.method = method
    }
}

/// The two-sample Kolmogorov–Smirnov test of CONTRACT.md §5, as scipy 1.17.1
/// computes it (`scipy/stats/_stats_py.py`).
public enum KolmogorovSmirnov {
    /// `ks_2samp` picks the exact method when both sizes are at most this.
    static let maximumExactSize = 10_000

    /// `scipy.stats.ks_2samp(reference, current)` with the default
    /// `alternative='two-sided'` and `method='auto'`.
    ///
    /// Both arrays sorted ascending, no NaN. Returns nil when either is empty
    /// (scipy raises).
    ///
    /// - The statistic is the largest of `max(cdf1 - cdf2)` and
    ///   `clip(-min(cdf1 - cdf2), 0, 1)` over the pooled values, where
    ///   `cdf = searchsorted(sorted, values, side='right') / size` in float64;
    ///   computed here by one merge of the two sorted arrays.
    /// - `auto` is exact when `max(n1, n2) <= 10000`: with
    ///   `h = np.round(D * lcm(n1, n2))` (half to even) the statistic becomes
    ///   `h / lcm`, the p-value is `1` when `h == 0`, else
    ///   `_compute_prob_outside_square(n, h)` for equal sizes and the
    ///   `_compute_outer_prob_inside_method` recursion otherwise. A p-value
    ///   outside `[0, 1]` (the square formula can give `1 + 2^-52` for
    ///   `h == 1`) makes scipy fall back to the asymptotic method, as here.
    /// - Asymptotic: `kstwo.sf(D, np.round(m n / (m + n)))` with `m >= n`.
    /// - The p-value is clipped to `[0, 1]`.
    public static func twoSample(sortedReference: [Double], sortedCurrent: [Double]) -> KolmogorovSmirnovResult? {
        let n1 = sortedReference.count
        let n2 = sortedCurrent.count
        guard n1 > 0, n2 > 0 else { return nil }
        let d = statistic(sortedReference, sortedCurrent)
        if max(n1, n2) <= maximumExactSize {
            let divisor = greatestCommonDivisor(n1, n2)
            let lcm = (n1 / divisor) * n2
            let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
            let rounded = Double(h) * 1.0 / Double(lcm)
            if h == 0 {
                return KolmogorovSmirnovResult(statistic: rounded, pValue: 1.0, method: .exact)
            }
            let probability = n1 == n2
                ? probabilityOutsideSquare(n: n1, h: h)
                : outerProbabilityInsideMethod(n1, n2, divisor, h)
            if probability >= 0 && probability <= 1 {
                return KolmogorovSmirnovResult(statistic: rounded, pValue: probability, method: .exact)
            }
            return asymptotic(n1, n2, rounded)
        }
        return asymptotic(n1, n2, d)
    }

    /// The asymptotic branch of `ks_2samp` for the two-sided alternative.
    static func asymptotic(_ n1: Int, _ n2: Int, _ d: Double) -> KolmogorovSmirnovResult {
        let larger = Double(max(n1, n2))
        let smaller = Double(min(n1, n2))
        let effective = larger * smaller / (larger + smaller)
        let size = effective.rounded(.toNearestOrEven)
        let probability = size >= 1
            ? KolmogorovDistribution.survival(n: Int(size), x: d)
            : Double.nan
        return KolmogorovSmirnovResult(
            statistic: d, pValue: KolmogorovDistribution.clipProbability(probability), method: .asymptotic)
    }

    /// `max(cdf1 - cdf2, clip(-(cdf1 - cdf2), 0, 1))` over the pooled values,
    /// bit for bit as ``statisticByDivision(_:_:)`` computes it.
    ///
    /// `cdf1 - cdf2` at a pooled value is `Double(i) / n1 - Double(j) / n2`
    /// where `i` and `j` count the values at or below it. Two such
    /// differences whose exact values differ are at least `1 / (n1 n2)`
    /// apart, while each computed difference is within 3 units in the last
    /// place of 1 (`3 * 2^-53`) of its exact value; so when
    /// `n1 n2 <= 2^50` the computed differences are ordered as the exact
    /// ones, which are ordered as the integers `i n2 - j n1`. The merge
    /// therefore tracks those integers (no division per value) and divides
    /// only where one ties or beats the largest or smallest so far, keeping
    /// the largest (smallest) computed difference among equal integers, as
    /// the straightforward scan would.
    static func statistic(_ first: [Double], _ second: [Double]) -> Double {
        let n1 = first.count
        let n2 = second.count
        let (product, overflow) = n1.multipliedReportingOverflow(by: n2)
        if overflow || product > 1 << 50 || n1 == 0 || n2 == 0 {
            return statisticByDivision(first, second)
        }
        var extremes = Extremes(size1: Double(n1), size2: Double(n2))
        first.withUnsafeBufferPointer { a in
            second.withUnsafeBufferPointer { b in
                mergeExtremes(a.baseAddress!, n1, b.baseAddress!, n2, into: &extremes)
            }
        }
        let negative = min(max(-extremes.smallest, 0), 1)
        return negative > extremes.largest ? negative : extremes.largest
    }

    /// The largest and smallest `cdf1 - cdf2` seen, with the integer
    /// `i n2 - j n1` each was computed from.
    struct Extremes {
        var largestKey = Int.min
        var smallestKey = Int.max
        var largest = -Double.infinity
        var smallest = Double.infinity
        let size1: Double
        let size2: Double

        init(size1: Double, size2: Double) {
            self.size1 = size1
            self.size2 = size2
        }

        /// Whether the counts with this key could be an extreme.
        @inline(__always)
        func mayRecord(_ key: Int) -> Bool {
            key >= largestKey || key <= smallestKey
        }

        /// Records `Double(i) / size1 - Double(j) / size2` at a pooled value.
        @inline(__always)
        mutating func record(_ i: Int, _ j: Int, key: Int) {
            let difference = Double(i) / size1 - Double(j) / size2
            if key > largestKey {
                largestKey = key
                largest = difference
            } else if key == largestKey && difference > largest {
                largest = difference
            }
            if key < smallestKey {
                smallestKey = key
                smallest = difference
            } else if key == smallestKey && difference < smallest {
                smallest = difference
            }
        }
    }

    /// Records the counts after each distinct pooled value that may be an
    /// extreme, in one merge of the two sorted samples.
    static func mergeExtremes(
        _ a: UnsafePointer<Double>, _ n1: Int, _ b: UnsafePointer<Double>, _ n2: Int, into extremes: inout Extremes
    ) {
        var local = extremes
        var i = 0
        var j = 0
        while i < n1 && j < n2 {
            let value = min(a[i], b[j])
            while i < n1 && a[i] <= value { i += 1 }
            while j < n2 && b[j] <= value { j += 1 }
            let key = i &* n2 &- j &* n1
            if local.mayRecord(key) { local.record(i, j, key: key) }
        }
        // One sample is used up: the other's values, each distinct value once.
        while i < n1 {
            let value = a[i]
            while i < n1 && a[i] <= value { i += 1 }
            let key = i &* n2 &- j &* n1
            if local.mayRecord(key) { local.record(i, j, key: key) }
        }
        while j < n2 {
            let value = b[j]
            while j < n2 && b[j] <= value { j += 1 }
            let key = i &* n2 &- j &* n1
            if local.mayRecord(key) { local.record(i, j, key: key) }
        }
        extremes = local
    }

    /// The straightforward scan: one merge of the two sorted arrays,
    /// `Double(i) / n1 - Double(j) / n2` after each distinct pooled value.
    static func statisticByDivision(_ first: [Double], _ second: [Double]) -> Double {
        let n1 = first.count
        let n2 = second.count
        let size1 = Double(n1)
        let size2 = Double(n2)
        var largest = -Double.infinity
        var smallest = Double.infinity
        first.withUnsafeBufferPointer { a in
            second.withUnsafeBufferPointer { b in
                var i = 0
                var j = 0
                while i < n1 || j < n2 {
                    let value: Double
                    if j >= n2 || (i < n1 && a[i] <= b[j]) {
                        value = a[i]
                    } else {
                        value = b[j]
                    }
                    while i < n1 && a[i] <= value { i += 1 }
                    while j < n2 && b[j] <= value { j += 1 }
                    let difference = Double(i) / size1 - Double(j) / size2
                    if difference > largest { largest = difference }
                    if difference < smallest { smallest = difference }
                }
            }
        }
        let negative = min(max(-smallest, 0), 1)
        return negative > largest ? negative : largest
    }

    static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var x = a
        var y = b
        while y != 0 {
            (x, y) = (y, x % y)
        }
        return x
    }

    /// `_compute_prob_outside_square(n, h)`: `Pr(D_{n,n} >= h/n)` as
    /// `2 * A0 * (1 - A1 * (1 - A2 * (...)))`, Python floats.
    static func probabilityOutsideSquare(n: Int, h: Int) -> Double {
        var total = 0.0
        var k = Int((Double(n) / Double(h)).rounded(.down))
        while k >= 0 {
            var term = 1.0
            for j in 0..<h {
                term = Double(n - k * h - j) * term / Double(n + k * h + j + 1)
            }
            total = term * (1.0 - total)
            k -= 1
        }
        return 2 * total
    }

    /// `_compute_outer_prob_inside_method(m, n, g, h)` (scipy's pythran
    /// kernel): the proportion of lattice paths from `(0, 0)` to `(m, n)`
    /// that leave the band `|x/m - y/n| < h / lcm`, by Viehmann's recursion
    /// over one sliding column `A`:
    /// `A[jj] = (A_previous[jj + shift] * i + A[jj - 1] * j) / (i + j)`.
    ///
    /// Each element is a chain of a multiplication, an addition and a
    /// division on the element before it, so a column is latency-bound. To
    /// keep the same operations (and results) but overlap the chains, columns
    /// are processed in groups of four as a wavefront: column `g` of a group
    /// runs `shift + 1` steps behind column `g - 1`, which is exactly when the
    /// value it reads has been written and none of the values column `g - 1`
    /// still has to read has been overwritten; a column's trailing "set to 1"
    /// step runs right after its last element, before the next column reads
    /// past it.
    static func outerProbabilityInsideMethod(_ first: Int, _ second: Int, _ divisor: Int, _ h: Int) -> Double {
        let m = max(first, second)
        let n = min(first, second)
        let mg = m / divisor
        let ng = n / divisor
        let mgDouble = Double(mg)

        var minJ = 0
        var maxJ = min(Int((Double(h) / mgDouble).rounded(.up)), n + 1)
        var currentLength = maxJ - minJ
        let length = min(2 * maxJ + 2, n + 1)
        // Every read index stays below `length` (a window moves by at most
        // `1 + 2h/mg` rows per column); one spare slot guards the buffer.
        let column = UnsafeMutableBufferPointer<Double>.allocate(capacity: length + 1)
        defer { column.deallocate() }
        column.initialize(repeating: 1.0)
        for index in minJ..<min(maxJ, length) {
            column[index] = 0.0
        }
        let a = column.baseAddress!

        let groupSize = 4
        var planStart = [Int](repeating: 0, count: groupSize)
        var planLength = [Int](repeating: 0, count: groupSize)
        var planShift = [Int](repeating: 0, count: groupSize)
        var planOffset = [Int](repeating: 0, count: groupSize)
        var planFillLower = [Int](repeating: 0, count: groupSize)
        var planFillUpper = [Int](repeating: 0, count: groupSize)
        var planValue = [Double](repeating: 0, count: groupSize)

        var i = 1
        while i <= m {
            let count = min(groupSize, m - i + 1)
            // The windows of the group's columns, as scipy computes them one by one.
            for g in 0..<count {
                let columnIndex = i + g
                let lastMinJ = minJ
                let lastLength = currentLength
                minJ = max(Int((Double(ng * columnIndex - h) / mgDouble).rounded(.down)) + 1, 0)
                minJ = min(minJ, n)
                maxJ = min(Int((Double(ng * columnIndex + h) / mgDouble).rounded(.up)), n + 1)
                if maxJ <= minJ { return 1.0 }
                currentLength = maxJ - minJ
                planStart[g] = minJ
                planLength[g] = currentLength
                planShift[g] = minJ - lastMinJ
                planOffset[g] = g == 0 ? 0 : planOffset[g - 1] + planShift[g] + 1
                planValue[g] = minJ == 0 ? 0.0 : 1.0
                if lastLength > currentLength {
                    planFillLower[g] = currentLength
                    planFillUpper[g] = min(currentLength + (lastLength - currentLength), length)
                } else {
                    planFillLower[g] = 0
                    planFillUpper[g] = 0
                }
            }

            var totalSteps = 0
            var firstEnd = Int.max
            for g in 0..<count {
                totalSteps = max(totalSteps, planOffset[g] + planLength[g])
                firstEnd = min(firstEnd, planOffset[g] + planLength[g] - 1)
            }
            // Steps where all four columns are past their first element and
            // none reaches its last one.
            let fastStart = count == groupSize ? planOffset[groupSize - 1] + 1 : Int.max
            let fastEnd = count == groupSize ? firstEnd : Int.min

            var step = 0
            while step < totalSteps {
                if step == fastStart && fastStart < fastEnd {
                    step = runFourColumns(
                        a, firstColumn: i, from: fastStart, to: fastEnd,
                        start: planStart, shift: planShift[0], offset: planOffset, value: &planValue)
                    continue
                }
                for g in 0..<count {
                    let q = step - planOffset[g]
                    if q < 0 || q >= planLength[g] { continue }
                    let iValue = i + g
                    let j = q + planStart[g]
                    let value = (a[q + planShift[g]] * Double(iValue) + planValue[g] * Double(j)) / Double(iValue + j)
                    a[q] = value
                    planValue[g] = value
                    if q == planLength[g] - 1 && planFillLower[g] < planFillUpper[g] {
                        for index in planFillLower[g]..<planFillUpper[g] { a[index] = 1 }
                    }
                }
                step += 1
            }
            i += count
        }
        return column[currentLength - 1]
    }

    /// The steady state of a group: four columns each computing one element
    /// per step. Column `g > 0` reads the value column `g - 1` produced in
    /// the step before (kept in a register); column 0 reads the previous
    /// group's column from memory. Returns the step after the last one run.
    @inline(__always)
    private static func runFourColumns(
        _ a: UnsafeMutablePointer<Double>, firstColumn: Int, from: Int, to: Int,
        start: [Int], shift: Int, offset: [Int], value: inout [Double]
    ) -> Int {
        let i0 = Double(firstColumn), i1 = Double(firstColumn + 1)
        let i2 = Double(firstColumn + 2), i3 = Double(firstColumn + 3)
        let o1 = offset[1], o2 = offset[2], o3 = offset[3]
        var v0 = value[0], v1 = value[1], v2 = value[2], v3 = value[3]
        // j and i + j of each column's element at step `from`.
        var j0 = Double(from + start[0]), j1 = Double(from - o1 + start[1])
        var j2 = Double(from - o2 + start[2]), j3 = Double(from - o3 + start[3])
        var d0 = i0 + j0, d1 = i1 + j1, d2 = i2 + j2, d3 = i3 + j3
        var step = from
        while step < to {
            let n0 = (a[step + shift] * i0 + v0 * j0) / d0
            let n1 = (v0 * i1 + v1 * j1) / d1
            let n2 = (v1 * i2 + v2 * j2) / d2
            let n3 = (v2 * i3 + v3 * j3) / d3
            a[step] = n0
            a[step - o1] = n1
            a[step - o2] = n2
            a[step - o3] = n3
            v0 = n0
            v1 = n1
            v2 = n2
            v3 = n3
            j0 += 1
            j1 += 1
            j2 += 1
            j3 += 1
            d0 += 1
            d1 += 1
            d2 += 1
            d3 += 1
            step += 1
        }
        value[0] = v0
        value[1] = v1
        value[2] = v2
        value[3] = v3
        return step
    }
}
