#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ADWIN.Core {
    /// River's `evaluate_cut` for the cuts of one scan (fixed width, variance
    /// and `δ'`), with division-free tests that rule most cuts out first,
    /// a whole level of buckets at a time.
    ///
    /// River decides `|q0 - q1| > sqrt(2 m V δ') + 2/3 δ' m` with
    /// `q0 = u0/n0`, `q1 = u1/n1`, `m = 1/a + 1/b`, `a = n0 - min + 1`,
    /// `b = n1 - min + 1`, `V = variance / width`, each operation rounded.
    /// Four divisions and a square root per cut dominate ADWIN's cost, and in
    /// a stationary stream almost every cut is far from the boundary.
    ///
    /// With `P = u0 n1 - u1 n0` and `A = |u0| n1 + |u1| n0` (River's own
    /// floats), River's left side is at most `(|P| + 3.1 ε A)(1 + 3ε) / (n0 n1)`
    /// and its right side at least `sqrt(2 m V δ')(1 - 4ε)` (ε = 2^-53, `m =
    /// (a + b)/(a b)` exactly, `V >= 0`, `δ' > 0`). So a cut is certainly not
    /// taken when `B² a b <= 2 V δ' (a + b) (n0 n1)²` with `B = |P| + 1e-14 A`
    /// (`isCertainlyNotCut`, checked with a relative margin of 1e-12, far
    /// above the few ε of rounding on either side).
    ///
    /// A level: as `a <= n0`, `b <= n1` and `a + b = width - 2 (min - 1)`,
    /// the right side is at least `2 V δ' (width - 2 (min - 1)) n0 n1`, and
    /// `n0 n1` (concave in `n0`) is smallest at the level's first or last
    /// tested cut: `levelBound` is the square root of that, less the margin.
    /// `P` moves by `width t - size (u0 + u1)` across a bucket of total `t`,
    /// and `u0 + u1` stays within rounding of River's `total`, so every tested
    /// cut of a level has `|P| <= |P_first| + Σ |width t - size total|` plus
    /// rounding, bounded by `levelSlack`; when that is within the level bound
    /// no cut of the level is tested one by one. `slack` bounds `1e-14 A` for
    /// every cut (`A <= width (Σ|t| + |total|)`, with `Σ|t|` bounded by the
    /// running sum of `|value|`).
    ///
    /// Near the boundary, or with values so large or small that a product
    /// could overflow or underflow, River's own formula decides: the outcome
    /// is always River's.
    struct CutTest {
        /// `δ' = ln(2 ln(width) / delta)`.
        let deltaPrime: Double
        /// `variance / width`.
        let windowVariance: Double
        /// `min_window_length` as River's float.
        let minimum: Double
        /// `2 V δ'`, the right side's factor for the quick test.
        let quickFactor: Double
        /// Whether the quick tests may be used: `δ' > 0` and `V >= 0` (so
        /// River's epsilon is not negative), cut sizes of at least 1.
        let quickTestApplies: Bool
        /// `2 V δ' (width - 2 (min - 1))`, the level bound's factor.
        let levelFactor: Double
        /// Whether the level bound may be used: the quick test applies and
        /// its factor is a finite normal number with room below.
        let levelTestApplies: Bool
        /// `width (Σ|t| + |total|)`: bounds `A` and every rounding error below.
        let magnitude: Double
        /// `1e-14 * magnitude`.
        let slack: Double

        init(width: Double, variance: Double, total: Double, absoluteTotal: Double, delta: Double, minWindowLength: Double) {
            deltaPrime = log(2.0 * log(width) / delta)
            windowVariance = variance / width
            minimum = minWindowLength
            quickFactor = 2.0 * windowVariance * deltaPrime
            quickTestApplies = deltaPrime > 0 && windowVariance >= 0 && minWindowLength >= 1
            levelFactor = quickFactor * (width - 2.0 * (minWindowLength - 1.0))
            levelTestApplies = quickTestApplies && quickFactor >= 1e-250 && levelFactor < .infinity
            magnitude = width * (absoluteTotal + abs(total))
            slack = 1e-14 * magnitude
        }

        /// The level bound: no cut of a level whose `|u0 n1 - u1 n0| + slack`
        /// is at most this can pass. `n0`, `n1` are the sizes before the
        /// first tested cut, `cuts` the number of cuts tested; -1 (nothing
        /// cleared) when the bound does not apply.
        @inline(__always)
        func levelBound(n0: Double, n1: Double, size: Double, cuts: Int) -> Double {
            guard levelTestApplies else { return -1 }
            let span = Double(cuts) * size
            let smallest = min((n0 + size) * (n1 - size), (n0 + span) * (n1 - span))
            let square = levelFactor * smallest
            guard smallest >= 1 && square < .infinity else { return -1 }
            return square.squareRoot() * (1 - 1e-12)
        }

        /// The rounding allowance of the whole-level test for `cuts` cuts
        /// in a scan of `buckets` buckets: `(4 nb + 4 k² + 12 k + 16) ε magnitude`,
        /// twice the sum of the error terms (the drift of `u0 + u1` from
        /// `total`, the rounding of each bucket's `u0`, `u1`, of each term and
        /// of the sum, of `P_first`, and `3.1 ε A`).
        @inline(__always)
        func levelSlack(cuts: Int, buckets: Int) -> Double {
            Double(4 &* buckets &+ 4 &* cuts &* cuts &+ 12 &* cuts &+ 16) * 0x1p-53 * magnitude
        }

        /// Whether River's `evaluate_cut` finds a change at this cut.
        @inline(__always)
        func isCut(n0: Double, n1: Double, u0: Double, u1: Double) -> Bool {
            if quickTestApplies && isCertainlyNotCut(n0: n0, n1: n1, u0: u0, u1: u1) { return false }
            return riverCut(n0: n0, n1: n1, u0: u0, u1: u1)
        }

        /// River's formula, operation by operation (`evaluate_cut` with
        /// `delta_mean = (u0 / n0) - (u1 / n1)`).
        @inline(__always)
        func riverCut(n0: Double, n1: Double, u0: Double, u1: Double) -> Bool {
            let meanDifference = (u0 / n0) - (u1 / n1)
            let m = 1.0 / (n0 - minimum + 1.0) + 1.0 / (n1 - minimum + 1.0)
            let epsilon = (2.0 * m * windowVariance * deltaPrime).squareRoot() + 2.0 / 3.0 * deltaPrime * m
            return abs(meanDifference) > epsilon
        }

        /// The division-free test of one cut: true only when River's formula
        /// certainly finds no change (see the type's comment), given
        /// `quickTestApplies`.
        @inline(__always)
        func isCertainlyNotCut(n0: Double, n1: Double, u0: Double, u1: Double) -> Bool {
            // Both totals 0: River's difference is 0 (or NaN), never above epsilon.
            if u0 == 0 && u1 == 0 { return true }
            let spread = abs(u0) * n1 + abs(u1) * n0
            let bound = abs(u0 * n1 - u1 * n0) + 1e-14 * spread
            let a = n0 - minimum + 1.0
            let b = n1 - minimum + 1.0
            let counts = n0 * n1
            let right = quickFactor * (a + b) * (counts * counts)
            let left = bound * bound * (a * b)
            return right < .infinity && right >= 1e-200 && bound >= 1e-100 && left <= right * (1 - 1e-12)
        }
    }
}
