#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Jensen-Shannon distance of CONTRACT.md §5.
public enum JensenShannon {
    /// `scipy.spatial.distance.jensenshannon(r, c, base=2)` on the proportions
    /// `r_i = reference_i / sum(reference)` and `c_i = current_i / sum(current)`
    /// (before PSI's `1e-4` floor), step by step as scipy does: each vector is
    /// normalised again by its own (pairwise) sum, `m = (p + q) / 2.0`,
    /// `rel_entr(p, m)` and `rel_entr(q, m)` (see below) are summed separately, their sum
    /// is divided by `log(2)`, and the result is `sqrt(js / 2.0)`.
    ///
    /// Like scipy, it can return NaN when the two distributions are nearly
    /// identical and rounding makes the divergence a tiny negative number; it
    /// returns exactly 0 for identical proportions.
    ///
    /// - Returns: nil when either side has no values at all (a total of 0).
    public static func distance(reference: [Int], current: [Int]) -> Double? {
        precondition(reference.count == current.count, "Jensen-Shannon needs aligned count vectors")
        let referenceTotal = reference.reduce(0, +)
        let currentTotal = current.reduce(0, +)
        guard referenceTotal > 0, currentTotal > 0 else { return nil }
        let p = normalised(reference.map { Double($0) / Double(referenceTotal) })
        let q = normalised(current.map { Double($0) / Double(currentTotal) })
        var left = [Double]()
        var right = [Double]()
        left.reserveCapacity(p.count)
        right.reserveCapacity(q.count)
        for index in p.indices {
            let middle = (p[index] + q[index]) / 2.0
            left.append(relativeEntropy(p[index], middle))
            right.append(relativeEntropy(q[index], middle))
        }
        var divergence = SIMDKernels.sum(left) + SIMDKernels.sum(right)
        divergence /= log(2.0)
        return (divergence / 2.0).squareRoot()
    }

    /// `p / numpy.sum(p)`.
    private static func normalised(_ proportions: [Double]) -> [Double] {
        let total = SIMDKernels.sum(proportions)
        return proportions.map { $0 / total }
    }

    /// `scipy.special.rel_entr(x, y)` as scipy 1.17 computes it
    /// (`scipy/special/_convex_analysis.pxd`): 0 when `x == 0` and `y >= 0`,
    /// infinity for other non-positive arguments, `x * log1p((x - y) / y)` when
    /// `0.5 < x / y < 2` (more accurate for close arguments), `x * log(x / y)`
    /// for a normal finite ratio, and `x * (log(x) - log(y))` when the ratio
    /// underflows or overflows.
    private static func relativeEntropy(_ x: Double, _ y: Double) -> Double {
        if x.isNaN || y.isNaN {
            return .nan
        }
        if x <= 0 || y <= 0 {
            return x == 0 && y >= 0 ? 0 : .infinity
        }
        let ratio = x / y
        if 0.5 < ratio && ratio < 2 {
            return x * log1p((x - y) / y)
        }
        if Double.leastNormalMagnitude < ratio && ratio < .infinity {
            return x * log(ratio)
        }
        return x * (log(x) - log(y))
    }
}
