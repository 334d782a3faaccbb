#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Classification performance metrics, replicating scikit-learn 1.9.1's
/// arithmetic.
///
/// Classes are non-negative `Int32` ids (the engine interns label strings),
/// counted in arrays indexed by id. Binary metrics take `Bool` (true = the
/// positive class, scikit-learn's `pos_label`). Every function returns `nil`
/// on empty input and on inputs of different lengths, and, like
/// scikit-learn, `zero_division` gives 0.0.
public enum ClassificationMetrics {
    /// `sklearn.metrics.accuracy_score(truth, predicted)`: the fraction of
    /// exact matches.
    public static func accuracy(truth: [Int32], predicted: [Int32]) -> Double? {
        guard !truth.isEmpty, truth.count == predicted.count else { return nil }
        var matches = 0
        truth.withUnsafeBufferPointer { truth in
            predicted.withUnsafeBufferPointer { predicted in
                for index in 0 ..< truth.count {
                    matches &+= truth[index] == predicted[index] ? 1 : 0
                }
            }
        }
        return Double(matches) / Double(truth.count)
    }

    /// `sklearn.metrics.precision_score(truth, predicted, pos_label=True)`:
    /// `tp / (tp + fp)`, 0.0 when nothing is predicted positive.
    public static func binaryPrecision(truth: [Bool], predicted: [Bool]) -> Double? {
        guard let counts = BinaryCounts(truth: truth, predicted: predicted) else { return nil }
        return divideOrZero(counts.truePositives, counts.predictedPositives)
    }

    /// `sklearn.metrics.recall_score(truth, predicted, pos_label=True)`:
    /// `tp / (tp + fn)`, 0.0 when the truth has no positive.
    public static func binaryRecall(truth: [Bool], predicted: [Bool]) -> Double? {
        guard let counts = BinaryCounts(truth: truth, predicted: predicted) else { return nil }
        return divideOrZero(counts.truePositives, counts.actualPositives)
    }

    /// `sklearn.metrics.f1_score(truth, predicted, pos_label=True)`.
    ///
    /// scikit-learn forms F1 from the counts, `2·tp / (2·tp + fp + fn)`
    /// (`precision_recall_fscore_support`), not as `2PR / (P + R)`, which
    /// can differ in the last bits; 0.0 when there is neither a positive
    /// truth nor a positive prediction.
    public static func binaryF1(truth: [Bool], predicted: [Bool]) -> Double? {
        guard let counts = BinaryCounts(truth: truth, predicted: predicted) else { return nil }
        return divideOrZero(2 * counts.truePositives, counts.actualPositives + counts.predictedPositives)
    }

    /// `sklearn.metrics.precision_score(truth, predicted, average="macro")`:
    /// the unweighted mean over the classes present in truth or predictions
    /// of each class's precision (0.0 for a class never predicted).
    public static func macroPrecision(truth: [Int32], predicted: [Int32]) -> Double? {
        guard let counts = ClassCounts(truth: truth, predicted: predicted) else { return nil }
        return counts.macroAverage { truePositives, _, predicted in
            divideOrZero(truePositives, predicted)
        }
    }

    /// `sklearn.metrics.recall_score(truth, predicted, average="macro")`:
    /// the unweighted mean over the classes present in truth or predictions
    /// of each class's recall (0.0 for a class only predicted).
    public static func macroRecall(truth: [Int32], predicted: [Int32]) -> Double? {
        guard let counts = ClassCounts(truth: truth, predicted: predicted) else { return nil }
        return counts.macroAverage { truePositives, actual, _ in
            divideOrZero(truePositives, actual)
        }
    }

    /// `sklearn.metrics.f1_score(truth, predicted, average="macro")`: the
    /// unweighted mean over the classes present in truth or predictions of
    /// each class's `2·tp / (actual + predicted)`.
    public static func macroF1(truth: [Int32], predicted: [Int32]) -> Double? {
        guard let counts = ClassCounts(truth: truth, predicted: predicted) else { return nil }
        return counts.macroAverage { truePositives, actual, predicted in
            divideOrZero(2 * truePositives, actual + predicted)
        }
    }

    /// `sklearn.metrics.roc_auc_score(truth, score)` for a binary truth.
    ///
    /// Follows scikit-learn exactly: the ROC curve's points at each distinct
    /// score (tied scores merged), `roc_curve`'s `drop_intermediate` removal
    /// of collinear points, the origin prepended, and the trapezoid rule
    /// `Σ Δfpr · (tpr₁ + tpr₀) / 2` summed as numpy does. `nil` when only
    /// one class is present (scikit-learn warns and returns NaN) or a score
    /// is not finite (scikit-learn raises).
    public static func rocAUC(truth: [Bool], score: [Double]) -> Double? {
        guard !truth.isEmpty, truth.count == score.count, RegressionMetrics.allFinite(score) else { return nil }
        // Scores become order-preserving integer keys (-0.0 folded into 0.0,
        // which numpy treats as tied), split by class and sorted.
        let positiveCount = truth.reduce(0) { $0 &+ ($1 ? 1 : 0) }
        let negativeCount = truth.count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else { return nil }
        var positiveKeys = [UInt64](repeating: 0, count: positiveCount)
        var negativeKeys = [UInt64](repeating: 0, count: negativeCount)
        truth.withUnsafeBufferPointer { truth in
            score.withUnsafeBufferPointer { score in
                positiveKeys.withUnsafeMutableBufferPointer { positiveKeys in
                    negativeKeys.withUnsafeMutableBufferPointer { negativeKeys in
                        var positiveIndex = 0, negativeIndex = 0
                        for index in 0 ..< truth.count {
                            let key = orderKey(score[index])
                            if truth[index] {
                                positiveKeys[positiveIndex] = key
                                positiveIndex += 1
                            } else {
                                negativeKeys[negativeIndex] = key
                                negativeIndex += 1
                            }
                        }
                    }
                }
            }
        }
        sortAscending(&positiveKeys)
        sortAscending(&negativeKeys)
        var curve = ROCTrapezoids(positives: positiveCount, negatives: negativeCount)
        // Walk both sorted lists from the highest score down; each distinct
        // score is one threshold of the curve, with its cumulative counts.
        positiveKeys.withUnsafeBufferPointer { positiveKeys in
            negativeKeys.withUnsafeBufferPointer { negativeKeys in
                var positiveIndex = positiveCount - 1
                var negativeIndex = negativeCount - 1
                var truePositives = 0
                var falsePositives = 0
                while positiveIndex >= 0 || negativeIndex >= 0 {
                    let threshold: UInt64
                    if positiveIndex < 0 {
                        threshold = negativeKeys[negativeIndex]
                    } else if negativeIndex < 0 {
                        threshold = positiveKeys[positiveIndex]
                    } else {
                        threshold = max(positiveKeys[positiveIndex], negativeKeys[negativeIndex])
                    }
                    while positiveIndex >= 0, positiveKeys[positiveIndex] == threshold {
                        truePositives += 1
                        positiveIndex -= 1
                    }
                    while negativeIndex >= 0, negativeKeys[negativeIndex] == threshold {
                        falsePositives += 1
                        negativeIndex -= 1
                    }
                    curve.add(falsePositives: falsePositives, truePositives: truePositives)
                }
            }
        }
        return curve.area()
    }

    /// `sklearn.metrics.log_loss(truth, score, labels=[False, True])` where
    /// `score` is the positive class's probability.
    ///
    /// As scikit-learn 1.9.1 does: each class's probability (`score` or
    /// `1 - score`) is clipped to `[eps, 1 - eps]` with
    /// `eps = numpy.finfo(float64).eps`, and the loss is the mean of
    /// `-log` of the true class's clipped probability. `nil` when a score is
    /// outside `[0, 1]` or not finite (scikit-learn raises). One class in the
    /// truth is fine since the labels are given.
    public static func logLoss(truth: [Bool], score: [Double]) -> Double? {
        guard !truth.isEmpty, truth.count == score.count, RegressionMetrics.allFinite(score) else { return nil }
        var outOfRange = false
        for probability in score {
            outOfRange = outOfRange || probability < 0 || probability > 1
        }
        guard !outOfRange else { return nil }
        return truth.withUnsafeBufferPointer { truth in
            score.withUnsafeBufferPointer { score in
                RegressionMetrics.numpyMean(LogLossTerms(truth: truth, score: score), count: truth.count)
            }
        }
    }

    /// `numerator / denominator`, or scikit-learn's `zero_division` 0.0.
    private static func divideOrZero(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? 0.0 : Double(numerator) / Double(denominator)
    }
}

// MARK: - Counting

extension ClassificationMetrics {
    /// The binary confusion counts for `pos_label = true`.
    private struct BinaryCounts {
        var truePositives = 0
        var actualPositives = 0
        var predictedPositives = 0

        init?(truth: [Bool], predicted: [Bool]) {
            guard !truth.isEmpty, truth.count == predicted.count else { return nil }
            var truePositives = 0, actualPositives = 0, predictedPositives = 0
            truth.withUnsafeBufferPointer { truth in
                predicted.withUnsafeBufferPointer { predicted in
                    for index in 0 ..< truth.count {
                        let actual = truth[index], guess = predicted[index]
                        truePositives &+= actual && guess ? 1 : 0
                        actualPositives &+= actual ? 1 : 0
                        predictedPositives &+= guess ? 1 : 0
                    }
                }
            }
            self.truePositives = truePositives
            self.actualPositives = actualPositives
            self.predictedPositives = predictedPositives
        }
    }

    /// Per-class counts, indexed by class id: true positives, occurrences in
    /// the truth and in the predictions (`multilabel_confusion_matrix`).
    private struct ClassCounts {
        var truePositives: [Int]
        var actual: [Int]
        var predicted: [Int]

        init?(truth: [Int32], predicted: [Int32]) {
            guard !truth.isEmpty, truth.count == predicted.count else { return nil }
            let smallest = min(truth.min()!, predicted.min()!)
            precondition(smallest >= 0, "class ids must be non-negative")
            let classCount = Int(max(truth.max()!, predicted.max()!)) + 1
            var truePositives = [Int](repeating: 0, count: classCount)
            var actual = [Int](repeating: 0, count: classCount)
            var predictedCounts = [Int](repeating: 0, count: classCount)
            truth.withUnsafeBufferPointer { truth in
                predicted.withUnsafeBufferPointer { predicted in
                    truePositives.withUnsafeMutableBufferPointer { truePositives in
                        actual.withUnsafeMutableBufferPointer { actual in
                            predictedCounts.withUnsafeMutableBufferPointer { predictedCounts in
                                for index in 0 ..< truth.count {
                                    let actualClass = Int(truth[index])
                                    let predictedClass = Int(predicted[index])
                                    actual[actualClass] &+= 1
                                    predictedCounts[predictedClass] &+= 1
                                    truePositives[actualClass] &+= actualClass == predictedClass ? 1 : 0
                                }
                            }
                        }
                    }
                }
            }
            self.truePositives = truePositives
            self.actual = actual
            self.predicted = predictedCounts
        }

        /// The mean of `score(tp, actual, predicted)` over the classes present
        /// in truth or predictions, in increasing id order (scikit-learn's
        /// sorted `unique_labels`), summed as numpy does.
        func macroAverage(_ score: (_ truePositives: Int, _ actual: Int, _ predicted: Int) -> Double) -> Double {
            var scores: [Double] = []
            for id in 0 ..< actual.count where actual[id] + predicted[id] > 0 {
                scores.append(score(truePositives[id], actual[id], predicted[id]))
            }
            return scores.withUnsafeBufferPointer { scores in
                RegressionMetrics.numpyMean(RegressionMetrics.BufferValues(values: scores), count: scores.count)
            }
        }
    }
}

// MARK: - Sorting scores

extension ClassificationMetrics {
    /// A key whose unsigned order is the order of the finite `value`, equal
    /// for 0.0 and -0.0.
    @inline(__always) private static func orderKey(_ value: Double) -> UInt64 {
        let bits = (value + 0.0).bitPattern
        return bits & (1 << 63) == 0 ? bits | (1 << 63) : ~bits
    }

    /// Sorts keys ascending: least-significant-digit radix sort by bytes,
    /// skipping bytes that all keys share (scores in `[0, 1]` share their
    /// top bytes), several times faster than the standard library's sort on
    /// large windows.
    private static func sortAscending(_ keys: inout [UInt64]) {
        let count = keys.count
        guard count >= 256 else {
            keys.sort()
            return
        }
        var histograms = [Int](repeating: 0, count: 8 * 256)
        var scratch = [UInt64](repeating: 0, count: count)
        histograms.withUnsafeMutableBufferPointer { histograms in
            keys.withUnsafeBufferPointer { keys in
                for key in keys {
                    for byte in 0 ..< 8 {
                        histograms[byte &* 256 &+ Int(truncatingIfNeeded: key &>> (byte &* 8)) & 0xFF] &+= 1
                    }
                }
            }
        }
        let first = keys[0]
        for byte in 0 ..< 8 {
            let shift = UInt64(byte * 8)
            let base = byte * 256
            if histograms[base + Int((first >> shift) & 0xFF)] == count { continue }
            var offsets = [Int](repeating: 0, count: 256)
            var total = 0
            for digit in 0 ..< 256 {
                offsets[digit] = total
                total += histograms[base + digit]
            }
            keys.withUnsafeBufferPointer { keys in
                scratch.withUnsafeMutableBufferPointer { scratch in
                    offsets.withUnsafeMutableBufferPointer { offsets in
                        for key in keys {
                            let digit = Int(truncatingIfNeeded: key &>> shift) & 0xFF
                            scratch[offsets[digit]] = key
                            offsets[digit] &+= 1
                        }
                    }
                }
            }
            swap(&keys, &scratch)
        }
    }
}

// MARK: - ROC curve and log loss terms

extension ClassificationMetrics {
    /// Accumulates the ROC curve's trapezoids as `roc_curve` and `auc` build
    /// them. Thresholds arrive in decreasing score order with cumulative
    /// counts; a point is dropped (`drop_intermediate=True`) when neither
    /// count's second difference is nonzero there, the first and last points
    /// always kept.
    private struct ROCTrapezoids {
        let positives: Double
        let negatives: Double
        var trapezoids: [Double] = []
        var seen = 0
        var before = (falsePositives: 0, truePositives: 0)
        var middle = (falsePositives: 0, truePositives: 0)
        var lastRates = (falsePositive: 0.0, truePositive: 0.0)

        init(positives: Int, negatives: Int) {
            self.positives = Double(positives)
            self.negatives = Double(negatives)
            trapezoids.reserveCapacity(positives + negatives + 1)
        }

        mutating func add(falsePositives: Int, truePositives: Int) {
            if seen == 0 {
                keep(falsePositives: falsePositives, truePositives: truePositives)
            } else if seen >= 2 {
                let falsePositiveBend = (falsePositives - middle.falsePositives) - (middle.falsePositives - before.falsePositives)
                let truePositiveBend = (truePositives - middle.truePositives) - (middle.truePositives - before.truePositives)
                if falsePositiveBend != 0 || truePositiveBend != 0 {
                    keep(falsePositives: middle.falsePositives, truePositives: middle.truePositives)
                }
            }
            before = middle
            middle = (falsePositives, truePositives)
            seen += 1
        }

        /// The area under the curve (`sklearn.metrics.auc`), after the last
        /// threshold was added.
        mutating func area() -> Double {
            if seen >= 2 {
                keep(falsePositives: middle.falsePositives, truePositives: middle.truePositives)
            }
            return trapezoids.withUnsafeBufferPointer { trapezoids in
                RegressionMetrics.numpyPairwiseSum(RegressionMetrics.BufferValues(values: trapezoids), count: trapezoids.count)
            }
        }

        private mutating func keep(falsePositives: Int, truePositives: Int) {
            let falsePositiveRate = Double(falsePositives) / negatives
            let truePositiveRate = Double(truePositives) / positives
            trapezoids.append((falsePositiveRate - lastRates.falsePositive) * (truePositiveRate + lastRates.truePositive) / 2.0)
            lastRates = (falsePositiveRate, truePositiveRate)
        }
    }

    /// `-log(clip(p, eps, 1 - eps))` of each sample's true class.
    private struct LogLossTerms: RegressionMetrics.Summands {
        let truth: UnsafeBufferPointer<Bool>
        let score: UnsafeBufferPointer<Double>

        @inline(__always) func term(_ index: Int) -> Double {
            let probability = truth[index] ? score[index] : 1 - score[index]
            let clipped = min(max(probability, Double.ulpOfOne), 1 - Double.ulpOfOne)
            return -log(clipped)
        }
    }
}
