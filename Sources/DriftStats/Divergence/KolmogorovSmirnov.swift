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
    public static let maximumExactSize = 10_000

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

    /// `max(cdf1 - cdf2, clip(-(cdf1 - cdf2), 0, 1))` over the pooled values.
    static func statistic(_ first: [Double], _ second: [Double]) -> Double {
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
    /// over one sliding column.
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
        // Reads stay below `length`; the spare slot only guards the buffer.
        let column = UnsafeMutableBufferPointer<Double>.allocate(capacity: length + 1)
        defer { column.deallocate() }
        column.initialize(repeating: 1.0)
        for index in minJ..<min(maxJ, length) {
            column[index] = 0.0
        }
        for i in 1...m {
            let lastMinJ = minJ
            let lastLength = currentLength
            minJ = max(Int((Double(ng * i - h) / mgDouble).rounded(.down)) + 1, 0)
            minJ = min(minJ, n)
            maxJ = min(Int((Double(ng * i + h) / mgDouble).rounded(.up)), n + 1)
            if maxJ <= minJ { return 1.0 }
            let iDouble = Double(i)
            var value = minJ == 0 ? 0.0 : 1.0
            let shift = minJ - lastMinJ
            for jj in 0..<(maxJ - minJ) {
                let j = jj + minJ
                value = (column[jj + shift] * iDouble + value * Double(j)) / Double(i + j)
                column[jj] = value
            }
            currentLength = maxJ - minJ
            if lastLength > currentLength {
                let lower = maxJ - minJ
                let upper = min(lower + (lastLength - currentLength), length)
                if lower < upper {
                    for index in lower..<upper { column[index] = 1 }
                }
            }
        }
        return column[maxJ - minJ - 1]
    }
}
