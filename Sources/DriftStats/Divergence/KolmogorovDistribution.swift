#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The distribution of the one-sample two-sided Kolmogorov–Smirnov statistic
/// `D_n = sup |F_n - F|` for `n` observations, as scipy 1.17.1 computes it
/// (`scipy.stats.kstwo`, `scipy/stats/_ksstats.py`).
///
/// The survival function follows `kolmogn(n, x, cdf=False)` branch by branch
/// (Simard & L'Ecuyer's choice of method):
///
/// - `n x <= 1` and `n x >= n - 1`: Ruben–Gambino closed forms;
/// - `x >= 0.5`: `2 * smirnov(n, x)` (exact, as the two one-sided events are
///   disjoint), with `smirnov` ported from xsf's `cephes/kolmogorov.h`
///   (double-double sums);
/// - `n <= 140`: the Durbin matrix (Marsaglia–Tsang–Wang) for `n x² <= 0.754693`,
///   Pomeranz's recursion for `n x² <= 4`, else `2 * smirnov`;
/// - `n > 140`: `0` for `n x² >= 370`, `2 * smirnov` for `n x² >= 2.2`, else
///   `1 - cdf` with the Durbin matrix when `n <= 100000` and
///   `n x^1.5 <= 1.4`, Pelz–Good otherwise.
///
/// Arithmetic is done in the order scipy does it, with the same libm calls.
/// Where scipy's intermediate values become `numpy.longdouble` (the `2^±128`
/// rescaling steps of the Durbin matrix and Pomeranz code multiply a float64
/// by a long-double constant, after which the rest of the computation runs
/// in x87 extended precision), this code switches to `Float80` at the same
/// point. `np.convolve` is replayed with OpenBLAS's Haswell `ddot` summation
/// order, and `np.matmul` with the summation order of OpenBLAS's Haswell
/// `dgemm` kernel on one thread. The one known possible source of last-bit
/// differences: for Durbin matrices of size 65 and more (`n x` above 32)
/// OpenBLAS splits the product over threads, which moves a few elements into
/// differently summed kernel tails; that split is not modelled (the final
/// probabilities still matched scipy bit for bit on 400 random such cases).
public enum KolmogorovDistribution {
    /// `scipy.stats.kstwo.sf(x, n)`: the probability that `D_n` is at least `x`.
    ///
    /// Outside the open support `(0.5 / n, 1)` this is `1` (for
    /// `x <= 0.5 / n`) or `0` (for `x >= 1`); `NaN` for `n < 1` or a `NaN` `x`,
    /// as scipy returns.
    public static func survival(n: Int, x: Double) -> Double {
        guard n >= 1, !x.isNaN else { return .nan }
        if x <= 0.5 / Double(n) { return 1.0 }
        if x >= 1.0 { return 0.0 }
        return kolmogorovSurvival(n: n, x: x)
    }

    // MARK: - kolmogn(n, x, cdf=False)

    /// `_kolmogn(n, x, cdf=False)` for `0 < x < 1`.
    static func kolmogorovSurvival(n: Int, x: Double) -> Double {
        if x >= 1.0 { return 0.0 }
        if x <= 0.0 { return 1.0 }
        let size = Double(n)
        let t = size * x
        if t <= 1.0 {
            // Ruben-Gambino: 1/2n <= x <= 1/n.
            if t <= 0.5 { return 1.0 }
            let probability: Double
            if n <= 140 {
                // np.prod(np.arange(1, n+1) * (1.0/n) * (2*t - 1)), a sequential product.
                let reciprocal = 1.0 / size
                let factor = 2 * t - 1
                var product = 1.0
                for i in 1...n {
                    product *= (Double(i) * reciprocal) * factor
                }
                probability = product
            } else {
                probability = exp(logFactorialOverPower(n) + size * log(2 * t - 1))
            }
            return clipProbability(1.0 - probability)
        }
        if t >= size - 1 {
            // Ruben-Gambino: x >= 1 - 1/n.
            return clipProbability(2 * libmPower(1.0 - x, size))
        }
        if x >= 0.5 {
            return clipProbability(2 * smirnovSurvival(n: n, x: x))
        }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 {
                return durbinMatrixCDF(n: n, d: x).survival
            }
            if nxSquared <= 4 {
                return pomeranzCDF(n: n, x: x).survival
            }
            return clipProbability(2 * smirnovSurvival(n: n, x: x))
        }
        if nxSquared >= 370.0 { return 0.0 }
        if nxSquared >= 2.2 {
            return clipProbability(2 * smirnovSurvival(n: n, x: x))
        }
        // nxSquared < 2.2 < 18: the CDF is computed, then 1 - CDF.
        if n <= 100_000 && size * libmPower(x, 1.5) <= 1.4 {
            return durbinMatrixCDF(n: n, d: x).survival
        }
        return clipProbability(1.0 - pelzGoodCDF(n: n, x: x))
    }

    /// glibc's `pow`, always as a call: LLVM rewrites `pow(x, 2)` as `x * x`
    /// (and `pow(x, 0.5)` as `sqrt(x)`), which can differ in the last bit
    /// from the `pow` that numpy, Python and xsf call.
    @inline(never) @_optimize(none)
    static func libmPower(_ base: Double, _ exponent: Double) -> Double {
        pow(base, exponent)
    }

    /// `np.clip(p, 0.0, 1.0)`: NaN stays NaN.
    static func clipProbability(_ value: Double) -> Double {
        if value.isNaN { return value }
        return min(max(value, 0.0), 1.0)
    }

    // MARK: - Constants of _ksstats.py

    /// `_E128`, `_EP128 = 2^128`, `_EM128 = 2^-128` (long doubles in scipy).
    static let scaleExponent = 128
    static let twoToThe128: Double = 0x1p128
    static let twoToTheMinus128: Double = 0x1p-128

    /// `np.log(2 * np.pi)`.
    static let logTwoPi = log(2 * Double.pi)
    /// `np.sqrt(2 * np.pi)`.
    static let squareRootTwoPi = (2 * Double.pi).squareRoot()
    /// `np.sqrt(3)`.
    static let squareRootThree = Double(3).squareRoot()
    /// `np.pi ** 2`, `np.pi ** 4`, `np.pi ** 6` (C `pow`).
    static let piSquared = libmPower(Double.pi, 2)
    static let piFourth = libmPower(Double.pi, 4)
    static let piSixth = libmPower(Double.pi, 6)
    /// `_MIN_LOG`.
    static let minimumLog = -708.0

    /// `_STIRLING_COEFFS`: `B_{2j} / (2j) / (2j - 1)` for `j = 8 ... 1`.
    static let stirlingCoefficients: [Double] = [
        -2.955065359477124183e-2, 6.4102564102564102564e-3,
        -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4,
        -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ]

    /// `_log_nfactorial_div_n_pow_n(n)`: `log(n! / n^n)` by Stirling's series.
    static func logFactorialOverPower(_ n: Int) -> Double {
        let size = Double(n)
        let reciprocal = 1.0 / size
        // np.polyval: y = 0; y = y * x + c for each coefficient.
        let argument = reciprocal / size
        var polynomial = 0.0
        for coefficient in stirlingCoefficients {
            polynomial = polynomial * argument + coefficient
        }
        return log(size) / 2 - size + logTwoPi / 2 + reciprocal * polynomial
    }
}

// MARK: - Values that numpy may promote to long double

extension KolmogorovDistribution {
    #if arch(x86_64) || arch(i386)
    /// numpy's `longdouble` on x86: the x87 80-bit format.
    typealias LongDouble = Float80
    #else
    /// numpy's `longdouble` where it is a float64.
    typealias LongDouble = Double
    #endif
}

extension KolmogorovDistribution {
    /// A probability as scipy holds it: a float64, or a `numpy.longdouble`
    /// once a float64 met the long-double constants `_EP128` / `_EM128`.
    enum MixedPrecisionValue {
        case double(Double)
        case extended(LongDouble)

        /// `np.clip(p, 0, 1)` in the value's own precision.
        var clipped: MixedPrecisionValue {
            switch self {
            case .double(let value):
                return .double(KolmogorovDistribution.clipProbability(value))
            case .extended(let value):
                if value.isNaN { return self }
                return .extended(min(max(value, 0), 1))
            }
        }

        /// `_select_and_clip_prob(p, 1.0 - p, cdf=False)` stored into float64.
        var survival: Double {
            switch self {
            case .double(let value):
                return KolmogorovDistribution.clipProbability(1.0 - value)
            case .extended(let value):
                let complement = 1 - value
                if complement.isNaN { return .nan }
                return Double(min(max(complement, 0), 1))
            }
        }
    }
}

// MARK: - Durbin matrix (Marsaglia, Tsang & Wang)

extension KolmogorovDistribution {
    /// `_kolmogn_DMTW(n, d, cdf=True)`: `Pr(D_n <= d)` as the `k`-th diagonal
    /// element of `n!/n^n * H^n`, with `2^128` rescaling.
    static func durbinMatrixCDF(n: Int, d: Double) -> MixedPrecisionValue {
        if d >= 1.0 { return .double(1.0) }
        let nd = Double(n) * d
        if nd <= 0.5 { return .double(0.0) }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1

        // v[j] = (1 - h^(j+1)) / (j+1)!, w[j] = 1 / j!
        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        for j in 1...m {
            v[j - 1] = 1.0 - libmPower(h, Double(j))
        }
        var factorial = 1.0
        for j in 1...m {
            w[j - 1] = factorial
            factorial /= Double(j)
            v[j - 1] *= factorial
        }
        // tt = max(2*h - 1.0, 0)**m - 2*h**m
        let base = 2 * h - 1.0
        let leading = (0 > base) ? 0.0 : libmPower(base, Double(m))
        let tt = leading - 2 * libmPower(h, Double(m))
        v[m - 1] = (1.0 + tt) * factorial

        var matrix = [Double](repeating: 0, count: m * m)
        for i in 1..<max(m, 1) {
            // H[i - 1:, i] = w[:m - i + 1]
            for r in 0...(m - i) {
                matrix[(i - 1 + r) * m + i] = w[r]
            }
        }
        for r in 0..<m {
            matrix[r * m] = v[r]
        }
        for c in 0..<m {
            matrix[(m - 1) * m + c] = v[m - 1 - c]
        }

        var power = [Double](repeating: 0, count: m * m)
        for r in 0..<m {
            power[r * m + r] = 1
        }
        var scratch = [Double](repeating: 0, count: m * m)
        var remaining = n
        var exponent = 0
        var matrixExponent = 0
        let diagonal = (k - 1) * m + (k - 1)
        while remaining > 0 {
            if remaining % 2 == 1 {
                multiplyMatrices(power, matrix, into: &scratch, size: m)
                swap(&power, &scratch)
                exponent += matrixExponent
            }
            multiplyMatrices(matrix, matrix, into: &scratch, size: m)
            swap(&matrix, &scratch)
            matrixExponent *= 2
            if abs(matrix[diagonal]) > twoToThe128 {
                for index in matrix.indices {
                    matrix[index] /= twoToThe128
                }
                matrixExponent += scaleExponent
            }
            remaining /= 2
        }

        // Multiply by n!/n^n; the first rescale turns p into a long double.
        let size = Double(n)
        var p = power[diagonal]
        var extended: LongDouble = 0
        var isExtended = false
        for i in 1...n {
            if isExtended {
                extended = LongDouble(i) * extended / LongDouble(n)
                if abs(extended) < LongDouble(twoToTheMinus128) {
                    extended *= LongDouble(twoToThe128)
                    exponent -= scaleExponent
                }
            } else {
                p = Double(i) * p / size
                if abs(p) < twoToTheMinus128 {
                    extended = LongDouble(p) * LongDouble(twoToThe128)
                    isExtended = true
                    exponent -= scaleExponent
                }
            }
        }
        if isExtended {
            if exponent != 0 { extended = scaleByPowerOfTwo(extended, exponent) }
            return MixedPrecisionValue.extended(extended).clipped
        }
        if exponent != 0 { p = scaleByPowerOfTwo(p, exponent) }
        return MixedPrecisionValue.double(p).clipped
    }

    /// `np.matmul` of two `size x size` row-major matrices as OpenBLAS's
    /// Haswell `dgemm` kernel (`dgemm_kernel_4x8_haswell.S`) sums when it runs
    /// on one thread (numpy's row-major product is the column-major
    /// `B^T A^T`, so the kernel's `N` runs over rows): every element is a
    /// sequential fused multiply-add over `k`, except in a trailing single
    /// row (an odd size), where columns in blocks of four use `KERNEL4x1`:
    /// four accumulators `k mod 4` over the first `8 floor(size/8)` terms, the
    /// rest into the first, summed `(a0 + a1) + (a2 + a3)`. OpenBLAS goes
    /// multi-threaded above `size^3 = 4 * 65536` (size 65 and up), and its
    /// thread partition moves some tails; that is not replicated.
    static func multiplyMatrices(_ left: [Double], _ right: [Double], into result: inout [Double], size: Int) {
        left.withUnsafeBufferPointer { a in
            right.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { c in
                    for row in 0..<size {
                        let singleRowTail = size % 2 == 1 && row == size - 1
                        let blockedColumns = singleRowTail ? (size / 4) * 4 : 0
                        let blockedTerms = (size / 8) * 8
                        for column in 0..<blockedColumns {
                            var lanes = (0.0, 0.0, 0.0, 0.0)
                            var inner = 0
                            while inner < blockedTerms {
                                lanes.0 = lanes.0.addingProduct(a[row * size + inner], b[inner * size + column])
                                lanes.1 = lanes.1.addingProduct(a[row * size + inner + 1], b[(inner + 1) * size + column])
                                lanes.2 = lanes.2.addingProduct(a[row * size + inner + 2], b[(inner + 2) * size + column])
                                lanes.3 = lanes.3.addingProduct(a[row * size + inner + 3], b[(inner + 3) * size + column])
                                inner += 4
                            }
                            while inner < size {
                                lanes.0 = lanes.0.addingProduct(a[row * size + inner], b[inner * size + column])
                                inner += 1
                            }
                            c[row * size + column] = (lanes.0 + lanes.1) + (lanes.2 + lanes.3)
                        }
                        for column in blockedColumns..<size {
                            var accumulator = 0.0
                            for inner in 0..<size {
                                accumulator = accumulator.addingProduct(a[row * size + inner], b[inner * size + column])
                            }
                            c[row * size + column] = accumulator
                        }
                    }
                }
            }
        }
    }

    /// `np.ldexp(x, e)` for float64.
    static func scaleByPowerOfTwo(_ value: Double, _ exponent: Int) -> Double {
        scalbn(value, Int32(clamping: exponent))
    }

    #if arch(x86_64) || arch(i386)
    /// `np.ldexp(x, e)` for long double.
    static func scaleByPowerOfTwo(_ value: Float80, _ exponent: Int) -> Float80 {
        scalbnl(value, Int32(clamping: exponent))
    }
    #endif
}

// MARK: - Pomeranz recursion

extension KolmogorovDistribution {
    /// `_pomeranz_compute_j1j2`: the non-zero window of row `i`.
    static func pomeranzWindow(_ i: Int, _ n: Int, _ ll: Int, _ ceilF: Int, _ roundF: Int) -> (Int, Int) {
        let j1: Int
        let j2: Int
        if i == 0 {
            j1 = -ll - ceilF - 1
            j2 = ll + ceilF - 1
        } else {
            let half = (i + 1) / 2
            if (i + 1) % 2 == 0 {
                if half == n + 1 {
                    j1 = n - ll - ceilF - 1
                    j2 = n + ll + ceilF - 1
                } else {
                    j1 = half - 1 - ll - roundF - 1
                    j2 = half + ll - 1 + ceilF - 1
                }
            } else {
                j1 = half - 1 - ll - 1
                j2 = half + ll + roundF - 1
            }
        }
        return (max(j1 + 2, 0), min(j2, n))
    }

    /// Python's `slice(start, stop)` bounds on a sequence of `count` items.
    static func pythonSlice(_ start: Int, _ stop: Int, count: Int) -> Range<Int> {
        func clamp(_ index: Int) -> Int {
            let adjusted = index < 0 ? index + count : index
            return min(max(adjusted, 0), count)
        }
        let lower = clamp(start)
        let upper = clamp(stop)
        return lower..<max(lower, upper)
    }

    /// `_kolmogn_Pomeranz(n, x, cdf=True)`.
    static func pomeranzCDF(n: Int, x: Double) -> MixedPrecisionValue {
        let size = Double(n)
        let t = size * x
        let ll = Int(t.rounded(.down))
        let f = 1.0 * (t - Double(ll))
        let g = (1.0 - f) < f ? (1.0 - f) : f
        let ceilF = f > 0 ? 1 : 0
        let roundF = f > 0.5 ? 1 : 0
        let powerCount = 2 * (ll + 1)
        var gPower = [Double](repeating: 0, count: powerCount)
        var twoGPower = [Double](repeating: 0, count: powerCount)
        var oneMinusTwoGPower = [Double](repeating: 0, count: powerCount)
        gPower[0] = 1.0
        twoGPower[0] = 1.0
        oneMinusTwoGPower[0] = 1.0
        var exponent = 0
        let gOverN = g / size
        let twoGOverN = 2 * g / size
        let oneMinusTwoGOverN = (1 - 2 * g) / size
        for m in 1..<max(powerCount, 1) {
            gPower[m] = gPower[m - 1] * gOverN / Double(m)
            twoGPower[m] = twoGPower[m - 1] * twoGOverN / Double(m)
            oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * oneMinusTwoGOverN / Double(m)
        }

        var row0 = [Double](repeating: 0, count: powerCount)
        var row1 = [Double](repeating: 0, count: powerCount)
        row1[0] = 1
        var start0 = 0
        var start1 = 0
        var convolution = [Double](repeating: 0, count: 2 * powerCount + 1)

        var (j1, j2) = pomeranzWindow(0, n, ll, ceilF, roundF)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&row0, &row1)
            swap(&start0, &start1)
            for index in row1.indices { row1[index] = 0 }
            (j1, j2) = pomeranzWindow(i, n, ll, ceilF, roundF)
            let powers: [Double]
            if i == 1 || i == 2 * n + 1 {
                powers = gPower
            } else {
                powers = (i % 2 == 1) ? twoGPower : oneMinusTwoGPower
            }
            let length = j2 - k1 + 1
            if length > 0 {
                let dataRange = pythonSlice(k1 - start0, k1 - start0 + length, count: powerCount)
                let kernelRange = pythonSlice(0, length, count: powerCount)
                let produced = NumpyConvolution.full(
                    row0[dataRange], powers[kernelRange], into: &convolution)
                let convolutionStart = j1 - k1
                let convolutionLength = j2 - j1 + 1
                let source = pythonSlice(convolutionStart, convolutionStart + convolutionLength, count: produced)
                let target = pythonSlice(0, convolutionLength, count: powerCount)
                for (offset, index) in source.enumerated() where offset < target.count {
                    row1[target.lowerBound + offset] = convolution[index]
                }
                // Scale to avoid underflow: 0 < max(V1) < 2^-128.
                var largest = -Double.infinity
                var sawNaN = false
                for value in row1 {
                    if value.isNaN { sawNaN = true }
                    largest = max(largest, value)
                }
                if !sawNaN && 0 < largest && largest < twoToTheMinus128 {
                    for index in row1.indices { row1[index] *= twoToThe128 }
                    exponent -= scaleExponent
                }
                start1 = start0 + j1 - k1
            }
        }

        // Multiply by n!; the first rescale turns the answer into a long double.
        var answerIndex = n - start1
        if answerIndex < 0 { answerIndex += powerCount }
        var answer = row1[answerIndex]
        var extended: LongDouble = 0
        var isExtended = false
        for m in 1...n {
            if isExtended {
                if abs(extended) > LongDouble(twoToThe128) {
                    extended *= LongDouble(twoToTheMinus128)
                    exponent += scaleExponent
                }
                extended *= LongDouble(m)
            } else {
                if abs(answer) > twoToThe128 {
                    extended = LongDouble(answer) * LongDouble(twoToTheMinus128)
                    isExtended = true
                    exponent += scaleExponent
                    extended *= LongDouble(m)
                } else {
                    answer *= Double(m)
                }
            }
        }
        if isExtended {
            if exponent != 0 { extended = scaleByPowerOfTwo(extended, exponent) }
            return MixedPrecisionValue.extended(extended).clipped
        }
        if exponent != 0 { answer = scaleByPowerOfTwo(answer, exponent) }
        return MixedPrecisionValue.double(answer).clipped
    }
}

// MARK: - np.convolve

extension KolmogorovDistribution {
    /// `numpy.convolve(a, v)` (mode `full`) for float64, in numpy's summation
    /// order: `correlate(a, v[::-1])`, where each output is `DOUBLE_dot` (OpenBLAS
    /// `ddot`) except the fully overlapping ones, which `small_correlate` sums
    /// directly when the kernel has at most 11 elements.
    enum NumpyConvolution {
        /// Writes the `len(a) + len(v) - 1` outputs into `output` (which must be
        /// large enough) and returns their count.
        static func full(_ a: ArraySlice<Double>, _ v: ArraySlice<Double>, into output: inout [Double]) -> Int {
            var data = Array(a)
            var kernel = Array(v)
            if kernel.count > data.count { swap(&data, &kernel) }
            kernel.reverse()
            let n1 = data.count
            let n2 = kernel.count
            if n1 == 0 || n2 == 0 { return 0 }
            let total = n1 + n2 - 1
            if output.count < total { output = [Double](repeating: 0, count: total) }
            data.withUnsafeBufferPointer { d in
                kernel.withUnsafeBufferPointer { k in
                    var out = 0
                    // Left edge: partial overlaps of growing length.
                    for i in 0..<(n2 - 1) {
                        output[out] = dot(d.baseAddress!, k.baseAddress! + (n2 - 1 - i), count: i + 1)
                        out += 1
                    }
                    // Full overlaps.
                    for i in 0..<(n1 - n2 + 1) {
                        if n2 <= 11 {
                            var sum = 0.0
                            for j in 0..<n2 {
                                sum += d[i + j] * k[j]
                            }
                            output[out] = sum
                        } else {
                            output[out] = dot(d.baseAddress! + i, k.baseAddress!, count: n2)
                        }
                        out += 1
                    }
                    // Right edge: shrinking overlaps.
                    var length = n2
                    let first = n1 - n2 + 1
                    for i in 0..<(n2 - 1) {
                        length -= 1
                        output[out] = dot(d.baseAddress! + first + i, k.baseAddress!, count: length)
                        out += 1
                    }
                }
            }
            return total
        }

        /// OpenBLAS `ddot` for unit strides on Haswell: blocks of 16 go to 16
        /// fused multiply-add lanes reduced pairwise, the tail is added one
        /// product at a time.
        static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, count: Int) -> Double {
            let blocked = count & ~15
            var result = 0.0
            if blocked > 0 {
                var lanes = [Double](repeating: 0, count: 16)
                var index = 0
                while index < blocked {
                    for lane in 0..<16 {
                        lanes[lane] = lanes[lane].addingProduct(x[index + lane], y[index + lane])
                    }
                    index += 16
                }
                // vextractf128 / vaddpd / vhaddpd reduction of ymm4..ymm7.
                let a0 = lanes[0] + lanes[2], a1 = lanes[1] + lanes[3]
                let b0 = lanes[4] + lanes[6], b1 = lanes[5] + lanes[7]
                let c0 = lanes[8] + lanes[10], c1 = lanes[9] + lanes[11]
                let d0 = lanes[12] + lanes[14], d1 = lanes[13] + lanes[15]
                let ab0 = a0 + b0, ab1 = a1 + b1
                let cd0 = c0 + d0, cd1 = c1 + d1
                result = (ab0 + cd0) + (ab1 + cd1)
            }
            var index = blocked
            while index < count {
                result += y[index] * x[index]
                index += 1
            }
            return 0.0 + result
        }
    }
}

// MARK: - Pelz-Good

extension KolmogorovDistribution {
    /// numpy's pairwise summation (`np.sum` of a float64 vector).
    static func pairwiseSum(_ values: ArraySlice<Double>) -> Double {
        let count = values.count
        let base = values.startIndex
        if count < 8 {
            var result = 0.0
            for value in values { result += value }
            return result
        }
        if count <= 128 {
            var partial = [Double](values[base..<(base + 8)])
            var index = 8
            while index < count - (count % 8) {
                for lane in 0..<8 { partial[lane] += values[base + index + lane] }
                index += 8
            }
            var result = ((partial[0] + partial[1]) + (partial[2] + partial[3]))
                + ((partial[4] + partial[5]) + (partial[6] + partial[7]))
            while index < count {
                result += values[base + index]
                index += 1
            }
            return result
        }
        var half = count / 2
        half -= half % 8
        return pairwiseSum(values[base..<(base + half)]) + pairwiseSum(values[(base + half)...])
    }

    /// `_kolmogn_PelzGood(n, x, cdf=True)`.
    static func pelzGoodCDF(n: Int, x: Double) -> Double {
        if x <= 0.0 { return 0.0 }
        if x >= 1.0 { return 1.0 }
        let size = Double(n)
        let z = size.squareRoot() * x
        let zSquared = libmPower(z, 2), zThree = libmPower(z, 3), zFour = libmPower(z, 4), zSix = libmPower(z, 6)

        let qLog = -piSquared / 8 / zSquared
        if qLog < minimumLog { return 0.0 }
        let q = exp(qLog)

        let k1a = -zSquared
        let k1b = piSquared / 4

        let k2a = 6 * zSix + 2 * zFour
        let k2b = (2 * zFour - 5 * zSquared) * piSquared / 4
        let k2c = piFourth * (1 - 2 * zSquared) / 16

        let k3d = piSixth * (5 - 30 * zSquared) / 64
        let k3c = piFourth * (-60 * zSquared + 212 * zFour) / 16
        let k3b = piSquared * (135 * zFour - 96 * zSix) / 4
        let k3a = -30 * zSix - 90 * libmPower(z, 8)

        var terms = (0.0, 0.0, 0.0, 0.0)
        let maxK = Int((16 * z / Double.pi).rounded(.up))
        var k = maxK
        while k >= 1 {
            let m = Double(2 * k - 1)
            let mSquared = m * m
            let mFour = mSquared * mSquared
            let mSix = mFour * mSquared
            let qPower = libmPower(q, Double(8 * k))
            let c1 = k1a + k1b * mSquared
            let c2 = k2a + k2b * mSquared + k2c * mFour
            let c3 = k3a + k3b * mSquared + k3c * mFour + k3d * mSix
            terms.0 = terms.0 * qPower + 1.0
            terms.1 = terms.1 * qPower + c1
            terms.2 = terms.2 * qPower + c2
            terms.3 = terms.3 * qPower + c3
            k -= 1
        }
        terms.0 = terms.0 * q * squareRootTwoPi / z
        terms.1 = terms.1 * q * squareRootTwoPi / (6 * zFour)
        terms.2 = terms.2 * q * squareRootTwoPi / (72 * libmPower(z, 7))
        terms.3 = terms.3 * q * squareRootTwoPi / (6480 * libmPower(z, 10))

        let q2 = exp(-piSquared / 2 / zSquared)
        let squareRootThreeZ = squareRootThree * z
        var k2Products = [Double]()
        var k3Products = [Double]()
        k2Products.reserveCapacity(max(maxK, 0))
        k3Products.reserveCapacity(max(maxK, 0))
        k = maxK
        while k >= 1 {
            let kSquared = Double(k * k)
            let kPi = Double.pi * Double(k)
            let qPowerK = libmPower(q2, kSquared)
            k2Products.append(kSquared * qPowerK)
            k3Products.append((squareRootThreeZ + kPi) * (squareRootThreeZ - kPi) * kSquared * qPowerK)
            k -= 1
        }
        var k2Extra = 0.0 + pairwiseSum(k2Products[...])
        k2Extra *= piSquared * squareRootTwoPi / (-36 * zThree)
        terms.2 += k2Extra
        var k3Extra = 0.0 + pairwiseSum(k3Products[...])
        k3Extra *= piSquared * squareRootTwoPi / (216 * zSix)
        terms.3 += k3Extra
        terms.0 /= libmPower(size, 0.0)
        terms.1 /= libmPower(size, 0.5)
        terms.2 /= libmPower(size, 1.0)
        terms.3 /= libmPower(size, 1.5)
        return terms.0 + terms.1 + terms.2 + terms.3
    }
}

// MARK: - smirnov(n, x): xsf cephes/kolmogorov.h

extension KolmogorovDistribution {
    /// `scipy.special.smirnov(n, x)`: `Pr(D_n^+ >= x)` for the one-sided
    /// statistic, ported from xsf `cephes/kolmogorov.h` (`_smirnov(n, x).sf`),
    /// including its double-double (`dd_real.h`) arithmetic.
    static func smirnovSurvival(n: Int, x: Double) -> Double {
        if x.isNaN { return .nan }
        if !(n > 0 && x >= 0.0 && x <= 1.0) { return .nan }
        if n == 1 { return 1 - x }
        if x == 0.0 { return 1.0 }
        if x == 1.0 { return 0.0 }

        let (alpha, nxFloor, _) = DoubleDouble.modNX(n, x)
        var n1mxFloor = n - nxFloor - (alpha == 0 ? 0 : 1)
        var n1mxCeil = n - nxFloor
        if alpha == 0 {
            n1mxFloor -= 1
            n1mxCeil += 1
        }

        // Special case: x <= 1/n.
        if nxFloor == 0 || (nxFloor == 1 && alpha == 0) {
            let t = DoubleDouble.power(DoubleDouble(1) + x, n - 1).hi
            let cdf = x * t
            return 1 - cdf
        }
        // The survival function underflows.
        if Double(-2 * n) * x * x < smirnovMinimumLog { return 0 }
        // x >= 1 - 1/n.
        if nxFloor >= n - 1 {
            return DoubleDouble.power(DoubleDouble(1) + -x, n).hi
        }
        // n too big to sum: p ~ e^(-(6nx+1)^2 / 18n).
        if n > 1_000_000 {
            let logP = -libmPower(6.0 * Double(n) * x + 1, 2) / 18.0 / Double(n)
            if logP < -smirnovLn2 {
                return exp(logP)
            }
            let cdf = -DoubleDouble.cephesExpm1(logP)
            return 1 - cdf
        }

        let upperTermCount = n - n1mxCeil + 1
        var useUpperSum = upperTermCount <= 1 && x < 0.5
        useUpperSum = useUpperSum || (n >= 10 && upperTermCount <= 3 && x <= 0.5 / Double(n).squareRoot())

        var start = 0
        var step = 1
        var termCount = n1mxFloor + 1
        let middle = n / 2
        var coefficientMantissa = DoubleDouble(1.0)
        var coefficientExponent = 0
        var term: DoubleDouble
        if useUpperSum {
            start = n
            step = -1
            termCount = n - n1mxCeil + 1
            term = DoubleDouble.power4(1, x, 1, 0, n - 1)
        } else {
            let t2 = DoubleDouble.power4(1, -x, 1, 0, n)
            term = t2 / x
        }
        var sum = DoubleDouble(0.0) + term
        DoubleDouble.updateBinomial(&coefficientMantissa, &coefficientExponent, n, 0)

        var j = 1
        while j < termCount {
            let v = start + j * step
            term = DoubleDouble.computeAv(n, x, v, coefficientMantissa, coefficientExponent)
            if term.hi.isFinite && term != 0.0 {
                sum = sum + term
            }
            if term != 0.0 {
                if Double(4 * (termCount - j)) * abs(term.hi) < Double.ulpOfOne * sum.hi && j != termCount - 1 {
                    break
                }
            } else if j > middle {
                break
            }
            DoubleDouble.updateBinomial(&coefficientMantissa, &coefficientExponent, n, j)
            j += 1
        }
        let probability = (x * sum).hi
        let survival = step < 0 ? 1 - probability : probability
        if survival.isNaN { return survival }
        return min(max(survival, 0.0), 1.0)
    }

    /// cephes `MINLOG` (`log(2^-1022)` as cephes spells it).
    static let smirnovMinimumLog = -7.451332191019412076235E2
    /// C `M_LN2`.
    static let smirnovLn2 = 0.693147180559945309417232121458176568
}

extension KolmogorovDistribution {
    /// The double-double number of xsf's `dd_real.h` (qd 2.3.18): `hi + lo`
    /// with `|lo| <= ulp(hi) / 2`, and the operations `kolmogorov.h` uses.
    struct DoubleDouble {
        var hi: Double
        var lo: Double

        init(_ hi: Double, _ lo: Double) {
            self.hi = hi
            self.lo = lo
        }

        init(_ value: Double) {
            hi = value
            lo = 0.0
        }

        /// `fl(a + b)` and its error, assuming `|a| >= |b|`.
        @inline(__always)
        static func quickTwoSum(_ a: Double, _ b: Double) -> (Double, Double) {
            let s = a + b
            let c = s - a
            return (s, b - c)
        }

        /// `fl(a + b)` and its error.
        @inline(__always)
        static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
            let s = a + b
            let c = s - a
            let d = b - c
            let e = s - c
            return (s, (a - e) + d)
        }

        /// `fl(a * b)` and its error (by a fused multiply-add).
        @inline(__always)
        static func twoProduct(_ a: Double, _ b: Double) -> (Double, Double) {
            let p = a * b
            return (p, (-p).addingProduct(a, b))
        }

        static prefix func - (value: DoubleDouble) -> DoubleDouble {
            DoubleDouble(-value.hi, -value.lo)
        }

        static func + (lhs: DoubleDouble, rhs: DoubleDouble) -> DoubleDouble {
            var (s1, s2) = twoSum(lhs.hi, rhs.hi)
            let (t1, t2) = twoSum(lhs.lo, rhs.lo)
            s2 += t1
            (s1, s2) = quickTwoSum(s1, s2)
            s2 += t2
            (s1, s2) = quickTwoSum(s1, s2)
            return DoubleDouble(s1, s2)
        }

        static func + (lhs: DoubleDouble, rhs: Double) -> DoubleDouble {
            var (s1, s2) = twoSum(lhs.hi, rhs)
            s2 += lhs.lo
            (s1, s2) = quickTwoSum(s1, s2)
            return DoubleDouble(s1, s2)
        }

        static func - (lhs: DoubleDouble, rhs: DoubleDouble) -> DoubleDouble {
            lhs + (-rhs)
        }

        static func - (lhs: DoubleDouble, rhs: Double) -> DoubleDouble {
            var (s1, s2) = twoSum(lhs.hi, -rhs)
            s2 += lhs.lo
            (s1, s2) = quickTwoSum(s1, s2)
            return DoubleDouble(s1, s2)
        }

        static func * (lhs: DoubleDouble, rhs: DoubleDouble) -> DoubleDouble {
            var (p1, p2) = twoProduct(lhs.hi, rhs.hi)
            p2 += (lhs.hi * rhs.lo + lhs.lo * rhs.hi)
            (p1, p2) = quickTwoSum(p1, p2)
            return DoubleDouble(p1, p2)
        }

        static func * (lhs: DoubleDouble, rhs: Double) -> DoubleDouble {
            let (p1, e1) = twoProduct(lhs.hi, rhs)
            let (p2, e2) = twoProduct(lhs.lo, rhs)
            let (s, e) = quickTwoSum(p1, e2 + p2 + e1)
            return DoubleDouble(s, e)
        }

        static func * (lhs: Double, rhs: DoubleDouble) -> DoubleDouble {
            let (p1, e1) = twoProduct(lhs, rhs.hi)
            let (p2, e2) = twoProduct(lhs, rhs.lo)
            let (s, e) = quickTwoSum(p1, e2 + p2 + e1)
            return DoubleDouble(s, e)
        }

        static func / (lhs: DoubleDouble, rhs: DoubleDouble) -> DoubleDouble {
            var q1 = lhs.hi / rhs.hi
            var r = lhs - rhs * q1
            var q2 = r.hi / rhs.hi
            r = r - rhs * q2
            let q3 = r.hi / rhs.hi
            (q1, q2) = quickTwoSum(q1, q2)
            return DoubleDouble(q1, q2) + q3
        }

        static func / (lhs: DoubleDouble, rhs: Double) -> DoubleDouble {
            lhs / DoubleDouble(rhs)
        }

        static func / (lhs: Double, rhs: DoubleDouble) -> DoubleDouble {
            DoubleDouble(lhs) / rhs
        }

        static func == (lhs: DoubleDouble, rhs: Double) -> Bool {
            lhs.hi == rhs && lhs.lo == 0.0
        }

        static func != (lhs: DoubleDouble, rhs: Double) -> Bool {
            lhs.hi != rhs || lhs.lo != 0.0
        }

        /// `floor(a)`.
        static func floor(_ a: DoubleDouble) -> DoubleDouble {
            var hi = a.hi.rounded(.down)
            var lo = 0.0
            if hi == a.hi {
                lo = a.lo.rounded(.down)
                (hi, lo) = quickTwoSum(hi, lo)
            }
            return DoubleDouble(hi, lo)
        }

        /// C `ldexp` on both parts.
        static func scaled(_ a: DoubleDouble, _ exponent: Int) -> DoubleDouble {
            DoubleDouble(cLdexp(a.hi, exponent), cLdexp(a.lo, exponent))
        }

        /// `frexp`: `0.5 <= |b.hi| < 1`, or `|b.hi| == 1` with `b.hi * b.lo < 0`.
        static func fractionAndExponent(_ a: DoubleDouble) -> (DoubleDouble, Int) {
            var (mantissa, exponent) = cFrexp(a.hi)
            var low = cLdexp(a.lo, -exponent)
            if abs(mantissa) == 0.5 && mantissa * low < 0 {
                mantissa *= 2
                low *= 2
                exponent -= 1
            }
            return (DoubleDouble(mantissa, low), exponent)
        }

        /// C `ldexp(value, exponent)`: one correctly rounded multiplication by
        /// `2^exponent` when that power is a normal double, `scalbn` otherwise.
        @inline(__always)
        static func cLdexp(_ value: Double, _ exponent: Int) -> Double {
            if exponent >= -1022 && exponent <= 1023 {
                return value * Double(bitPattern: UInt64(1023 + exponent) << 52)
            }
            return scalbn(value, Int32(clamping: exponent))
        }

        /// C `frexp(value)`: `value = mantissa * 2^exponent`, `0.5 <= |mantissa| < 1`
        /// (read off the bits for normal numbers).
        @inline(__always)
        static func cFrexp(_ value: Double) -> (Double, Int) {
            let bits = value.bitPattern
            let field = Int((bits >> 52) & 0x7FF)
            if field != 0 && field != 0x7FF {
                let mantissa = Double(bitPattern: (bits & ~(UInt64(0x7FF) << 52)) | (UInt64(1022) << 52))
                return (mantissa, field - 1022)
            }
            var exponent: Int32 = 0
            let mantissa = withUnsafeMutablePointer(to: &exponent) { pointer in
                frexp(value, pointer)
            }
            return (mantissa, Int(exponent))
        }

        /// cephes `expm1`.
        static func cephesExpm1(_ x: Double) -> Double {
            if !x.isFinite {
                if x.isNaN { return x }
                return x > 0 ? x : -1.0
            }
            if x < -0.5 || x > 0.5 {
                return exp(x) - 1.0
            }
            let xx = x * x
            var p = 1.2617719307481059087798E-4
            p = p * xx + 3.0299440770744196129956E-2
            p = p * xx + 9.9999999999999999991025E-1
            var r = x * p
            var q = 3.0019850513866445504159E-6
            q = q * xx + 2.5244834034968410419224E-3
            q = q * xx + 2.2726554820815502876593E-1
            q = q * xx + 2.0000000000000000000897E0
            r = r / (q - r)
            return r + r
        }

        /// `modNX`: `floor(n x)` and `n x - floor(n x)` computed exactly.
        static func modNX(_ n: Int, _ x: Double) -> (alpha: Double, floor: Int, product: Double) {
            let product = Double(n) * DoubleDouble(x)
            let productFloor = DoubleDouble.floor(product)
            let remainder = product - productFloor
            var alpha = remainder.hi
            var floorValue = Int(productFloor.hi)
            if alpha == 1 {
                floorValue += 1
                alpha = 0
            }
            return (alpha, floorValue, product.hi)
        }

        /// `pow_D(a, m)`: `a^m` via `pow(a.hi, m)` and a correction for `a.lo`.
        static func power(_ a: DoubleDouble, _ m: Int) -> DoubleDouble {
            if m <= 0 {
                if m == 0 { return DoubleDouble(1.0) }
                return 1.0 / power(a, -m)
            }
            if a == 0.0 { return DoubleDouble(0.0) }
            let result = KolmogorovDistribution.libmPower(a.hi, Double(m))
            let ratio = a.lo / a.hi
            var adjustment = Double(m) * ratio
            if abs(adjustment) > 1e-8 {
                if abs(adjustment) < 1e-4 {
                    adjustment += (Double(m) * ratio) * (Double(m - 1) / 2.0 * ratio)
                } else {
                    adjustment = cephesExpm1(Double(m) * log1p(ratio))
                }
            }
            return DoubleDouble(result) + result * adjustment
        }

        /// `pow4_D(a, b, c, d, m)`: `((a + b) / (c + d))^m`.
        static func power4(_ a: Double, _ b: Double, _ c: Double, _ d: Double, _ m: Int) -> DoubleDouble {
            if m <= 0 {
                if m == 0 { return DoubleDouble(1.0) }
                return power4(c, d, a, b, -m)
            }
            let numerator = DoubleDouble(a) + b
            let denominator = DoubleDouble(c) + d
            if numerator == 0.0 {
                return denominator == 0.0 ? DoubleDouble(.nan, .nan) : DoubleDouble(0.0)
            }
            if denominator == 0.0 {
                return numerator.hi < 0 || (numerator.hi == 0 && numerator.lo < 0)
                    ? DoubleDouble(-.infinity, -.infinity) : DoubleDouble(.infinity, .infinity)
            }
            return power(numerator / denominator, m)
        }

        /// `nextPowerOf2(x)` exactly as xsf writes it.
        static func nextPowerOfTwo(_ x: Double) -> Double {
            let q = cLdexp(x, 1 - Double.significandBitCount - 1)
            var l = abs(q + x)
            if l == 0 {
                l = abs(x)
            } else {
                let integer = cIntCast(l)
                if Double(integer) == l {
                    l = Double(integer)
                }
            }
            return l
        }

        /// C's `(int)` conversion on x86-64: truncation, `INT_MIN` when out of range.
        static func cIntCast(_ value: Double) -> Int32 {
            if value.isNaN || value >= 2_147_483_648.0 || value <= -2_147_483_649.0 { return Int32.min }
            return Int32(value)
        }

        /// `SM_MAX_EXPONENT`.
        static let maximumExponent = 960

        /// `pow2Scaled_D(a, m)`: `a^m` as a mantissa in `[0.5, 1)` and an exponent.
        static func scaledPower(_ a: DoubleDouble, _ m: Int) -> (DoubleDouble, Int) {
            if m <= 0 {
                if m == 0 { return (DoubleDouble(1.0), 0) }
                let (inverse, inverseExponent) = scaledPower(a, -m)
                let (result, resultExponent) = fractionAndExponent(1.0 / inverse)
                return (result, -inverseExponent + resultExponent)
            }
            let (y, yExponent) = fractionAndExponent(a)
            if m == 1 { return (y, yExponent) }
            var maximum = maximumExponent
            if Double(m) * (y.hi - 1) / y.hi < Double(-maximumExponent) * KolmogorovDistribution.smirnovLn2 {
                let log2Y = log(y.hi) / KolmogorovDistribution.smirnovLn2
                let log2Result = Double(m) * log2Y
                if log2Result <= Double(-maximumExponent) {
                    maximum = Int(cIntCast(nextPowerOfTwo(Double(-maximumExponent) / log2Y + 1) / 2))
                }
            }
            if m <= maximum {
                let direct = power(y, m)
                var (result, resultExponent) = fractionAndExponent(direct)
                resultExponent += m * yExponent
                return (result, resultExponent)
            }
            let quotient = m / maximum
            let remainder = m % maximum
            let (y2r, y2rExponent) = scaledPower(y, remainder)
            let (y2m, y2mExponent) = scaledPower(y, maximum)
            var (y2mq, y2mqExponent) = scaledPower(y2m, quotient)
            var (result, resultExponent) = fractionAndExponent(y2r * y2mq)
            y2mqExponent += y2mExponent * quotient
            resultExponent += y2mqExponent + y2rExponent
            resultExponent += m * yExponent
            return (result, resultExponent)
        }

        /// `computeAv`: `binom(n, v) * (1 - x - v/n)^(n-v) * (x + v/n)^(v-1)`.
        static func computeAv(_ n: Int, _ x: Double, _ v: Int, _ mantissa: DoubleDouble, _ exponent: Int) -> DoubleDouble {
            let t2x = DoubleDouble(Double(n - v)) / Double(n) - x
            let (t2, t2Exponent) = scaledPower(t2x, n - v)
            let t1x = DoubleDouble(Double(v)) / Double(n) + x
            let (t1, t1Exponent) = scaledPower(t1x, v - 1)
            var product = t1 * t2
            product = product * mantissa
            return scaled(product, exponent + t1Exponent + t2Exponent)
        }

        /// `updateBinomial`: `C <- C * (n - j) / (j + 1)`, renormalized.
        static func updateBinomial(_ mantissa: inout DoubleDouble, _ exponent: inout Int, _ n: Int, _ j: Int) {
            let ratio = DoubleDouble(Double(n - j)) / (Double(j) + 1.0)
            let (next, nextExponent) = fractionAndExponent(mantissa * ratio)
            exponent += nextExponent
            mantissa = next
        }

        /// `double_double(1.0) + x` style constructor helper.
        static func + (lhs: Double, rhs: DoubleDouble) -> DoubleDouble {
            var (s1, s2) = twoSum(lhs, rhs.hi)
            s2 += rhs.lo
            (s1, s2) = quickTwoSum(s1, s2)
            return DoubleDouble(s1, s2)
        }
    }
}
