/// Regression performance metrics, replicating scikit-learn 1.9.1's arithmetic.
///
/// scikit-learn reshapes 1-D targets to `(n, 1)` and averages along axis 0
/// with `numpy.average`, which sums with numpy's pairwise summation and then
/// divides by `n`. Every mean here uses the same summation
/// (`numpyPairwiseSum`), so results agree with scikit-learn to the last bit
/// or nearly so, rather than merely to rounding error of a plain loop.
///
/// Every function returns `nil` on empty input, on inputs of different
/// lengths and on non-finite values: the cases where scikit-learn raises.
public enum RegressionMetrics {
    /// `sklearn.metrics.mean_absolute_error(truth, predicted)`: the mean of
    /// `|predicted - truth|`.
    public static func meanAbsoluteError(truth: [Double], predicted: [Double]) -> Double? {
        guard isValidPair(truth, predicted) else { return nil }
        return truth.withUnsafeBufferPointer { truth in
            predicted.withUnsafeBufferPointer { predicted in
                numpyMean(AbsoluteErrors(truth: truth, predicted: predicted), count: truth.count)
            }
        }
    }

    /// `sklearn.metrics.root_mean_squared_error(truth, predicted)`: the square
    /// root of the mean of `(truth - predicted)²`.
    public static func rootMeanSquaredError(truth: [Double], predicted: [Double]) -> Double? {
        guard isValidPair(truth, predicted) else { return nil }
        let meanSquaredError = truth.withUnsafeBufferPointer { truth in
            predicted.withUnsafeBufferPointer { predicted in
                numpyMean(SquaredErrors(truth: truth, predicted: predicted), count: truth.count)
            }
        }
        return meanSquaredError.squareRoot()
    }

    /// `sklearn.metrics.mean_absolute_percentage_error(truth, predicted)`: the
    /// mean of `|predicted - truth| / max(|truth|, eps)` with
    /// `eps = numpy.finfo(float64).eps`, so a zero truth gives a huge (not
    /// infinite) term, exactly as scikit-learn does.
    public static func meanAbsolutePercentageError(truth: [Double], predicted: [Double]) -> Double? {
        guard isValidPair(truth, predicted) else { return nil }
        return truth.withUnsafeBufferPointer { truth in
            predicted.withUnsafeBufferPointer { predicted in
                numpyMean(AbsolutePercentageErrors(truth: truth, predicted: predicted), count: truth.count)
            }
        }
    }

    /// `sklearn.metrics.r2_score(truth, predicted)` with `force_finite=True`.
    ///
    /// `nil` for fewer than two samples (scikit-learn returns NaN). With a
    /// zero residual sum of squares the score is 1.0, even for constant
    /// truth; with a nonzero residual and a zero total sum of squares
    /// (constant truth) it is 0.0. The truth's mean is computed as numpy does,
    /// so a "constant" truth whose mean is not exactly representable (say
    /// `[0.1, 0.1, 0.1]`) yields a tiny nonzero total sum of squares and a
    /// hugely negative score, as in scikit-learn.
    public static func r2(truth: [Double], predicted: [Double]) -> Double? {
        guard isValidPair(truth, predicted), truth.count >= 2 else { return nil }
        let count = truth.count
        return truth.withUnsafeBufferPointer { truth in
            predicted.withUnsafeBufferPointer { predicted -> Double in
                let residual = numpyPairwiseSum(SquaredErrors(truth: truth, predicted: predicted), count: count)
                let mean = numpyMean(BufferValues(values: truth), count: count)
                let total = numpyPairwiseSum(SquaredDeviations(values: truth, mean: mean), count: count)
                if residual == 0 { return 1.0 }
                if total == 0 { return 0.0 }
                return 1 - residual / total
            }
        }
    }

    private static func isValidPair(_ truth: [Double], _ predicted: [Double]) -> Bool {
        !truth.isEmpty && truth.count == predicted.count && allFinite(truth) && allFinite(predicted)
    }
}

// MARK: - numpy's summation, shared with ClassificationMetrics

extension RegressionMetrics {
    /// Terms of a sum, produced on demand by index so that no temporary
    /// array is needed. Generic specialization inlines `term(_:)`.
    protocol Summands {
        /// The term at `index`, `0 ..< count`.
        func term(_ index: Int) -> Double
    }

    /// `numpy.add.reduce` on a contiguous float64 array: numpy's pairwise
    /// summation (`pairwise_sum` in numpy/_core/src/umath/loops_utils.h.src).
    /// Blocks of fewer than 8 terms are summed left to right; blocks of up to
    /// 128 with eight interleaved accumulators combined as
    /// `((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))` and the leftover
    /// terms added in order; larger blocks are split at half the length
    /// rounded down to a multiple of 8. The reduction starts from the
    /// identity 0. Checked bit for bit against `numpy.sum` and
    /// `numpy.mean(x.reshape(-1, 1), axis=0)` for sizes up to 60,000.
    static func numpyPairwiseSum<S: Summands>(_ summands: S, count: Int) -> Double {
        0.0 + pairwiseBlock(summands, start: 0, count: count)
    }

    /// `numpy.mean` of the terms: their pairwise sum divided by `count`.
    static func numpyMean<S: Summands>(_ summands: S, count: Int) -> Double {
        numpyPairwiseSum(summands, count: count) / Double(count)
    }

    private static func pairwiseBlock<S: Summands>(_ summands: S, start: Int, count: Int) -> Double {
        if count < 8 {
            var sum = 0.0
            for index in start ..< start + count {
                sum += summands.term(index)
            }
            return sum
        }
        if count <= 128 {
            var r0 = summands.term(start), r1 = summands.term(start + 1)
            var r2 = summands.term(start + 2), r3 = summands.term(start + 3)
            var r4 = summands.term(start + 4), r5 = summands.term(start + 5)
            var r6 = summands.term(start + 6), r7 = summands.term(start + 7)
            let end = start + count
            let blockedEnd = end - count % 8
            var index = start + 8
            while index < blockedEnd {
                r0 += summands.term(index)
                r1 += summands.term(index + 1)
                r2 += summands.term(index + 2)
                r3 += summands.term(index + 3)
                r4 += summands.term(index + 4)
                r5 += summands.term(index + 5)
                r6 += summands.term(index + 6)
                r7 += summands.term(index + 7)
                index += 8
            }
            var sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while index < end {
                sum += summands.term(index)
                index += 1
            }
            return sum
        }
        var half = count / 2
        half -= half % 8
        return pairwiseBlock(summands, start: start, count: half)
            + pairwiseBlock(summands, start: start + half, count: count - half)
    }

    /// Whether no value is NaN or infinite (scikit-learn's `check_array`
    /// raises otherwise). Branch-free so that it vectorizes.
    static func allFinite(_ values: [Double]) -> Bool {
        let exponentMask: UInt64 = 0x7FF0_0000_0000_0000
        var nonFinite: UInt64 = 0
        values.withUnsafeBufferPointer { values in
            for value in values {
                nonFinite |= (value.bitPattern & exponentMask) == exponentMask ? 1 : 0
            }
        }
        return nonFinite == 0
    }

    /// The elements of a buffer, as summands.
    struct BufferValues: Summands {
        let values: UnsafeBufferPointer<Double>
        @inline(__always) func term(_ index: Int) -> Double { values[index] }
    }

    private struct AbsoluteErrors: Summands {
        let truth: UnsafeBufferPointer<Double>
        let predicted: UnsafeBufferPointer<Double>
        @inline(__always) func term(_ index: Int) -> Double { abs(predicted[index] - truth[index]) }
    }

    private struct SquaredErrors: Summands {
        let truth: UnsafeBufferPointer<Double>
        let predicted: UnsafeBufferPointer<Double>
        @inline(__always) func term(_ index: Int) -> Double {
            let error = truth[index] - predicted[index]
            return error * error
        }
    }

    private struct AbsolutePercentageErrors: Summands {
        let truth: UnsafeBufferPointer<Double>
        let predicted: UnsafeBufferPointer<Double>
        @inline(__always) func term(_ index: Int) -> Double {
            abs(predicted[index] - truth[index]) / max(abs(truth[index]), Double.ulpOfOne)
        }
    }

    private struct SquaredDeviations: Summands {
        let values: UnsafeBufferPointer<Double>
        let mean: Double
        @inline(__always) func term(_ index: Int) -> Double {
            let deviation = values[index] - mean
            return deviation * deviation
        }
    }
}
