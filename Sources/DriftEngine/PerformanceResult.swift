public import DriftRules
import DriftStats

/// A window's performance over its labeled records (the report's `performance`, §4).
public struct PerformanceResult: Sendable, Equatable {
    /// Records of the window whose label is known.
    public var labeled: Int
    /// Each metric of the rule, in rule order; nil where it is undefined (e.g. one class only for roc_auc).
    public var values: [(check: MonitorRule.PerformanceCheck, value: Double?)]

    public static func == (a: PerformanceResult, b: PerformanceResult) -> Bool {
        a.labeled == b.labeled && a.values.count == b.values.count
            && zip(a.values, b.values).allSatisfy { $0.check == $1.check && $0.value == $1.value }
    }

    /// Computes the rule's metrics over the window's rows that have a label in `labels`.
    public static func evaluate(rule: MonitorRule, rows: [Int], columns: RecordColumns, labels: LabelBook,
                                classes: CategoryDictionary) -> PerformanceResult {
        var matched: [(row: Int, label: RecordParser.Label)] = []
        for row in rows {
            if let label = labels.label(for: columns.ids[row]) { matched.append((row, label)) }
        }
        var result = PerformanceResult(labeled: matched.count, values: [])
        for check in rule.performance {
            result.values.append((check, metric(check, task: rule.task, matched: matched, columns: columns, classes: classes)))
        }
        return result
    }

    static func metric(_ check: MonitorRule.PerformanceCheck, task: MonitorRule.Task,
                       matched: [(row: Int, label: RecordParser.Label)], columns: RecordColumns,
                       classes: CategoryDictionary) -> Double? {
        switch check.metric {
        case .mae, .rmse, .mape, .r2:
            var truth: [Double] = []
            var predicted: [Double] = []
            for (row, label) in matched where !columns.prediction[row].isNaN {
                truth.append(label.value)
                predicted.append(columns.prediction[row])
            }
            switch check.metric {
            case .mae: return RegressionMetrics.meanAbsoluteError(truth: truth, predicted: predicted)
            case .rmse: return RegressionMetrics.rootMeanSquaredError(truth: truth, predicted: predicted)
            case .mape: return RegressionMetrics.meanAbsolutePercentageError(truth: truth, predicted: predicted)
            default: return RegressionMetrics.r2(truth: truth, predicted: predicted)
            }
        case .rocAUC, .logLoss:
            let positive = classes.existingID(for: check.positiveLabel)
            var truth: [Bool] = []
            var score: [Double] = []
            for (row, label) in matched where !columns.score[row].isNaN {
                truth.append(label.classID == positive)
                score.append(columns.score[row])
            }
            return check.metric == .rocAUC
                ? ClassificationMetrics.rocAUC(truth: truth, score: score)
                : ClassificationMetrics.logLoss(truth: truth, score: score)
        case .accuracy, .precision, .recall, .f1:
            var truth: [Int32] = []
            var predicted: [Int32] = []
            for (row, label) in matched where columns.predictedClass[row] >= 0 {
                truth.append(label.classID)
                predicted.append(columns.predictedClass[row])
            }
            if check.metric == .accuracy { return ClassificationMetrics.accuracy(truth: truth, predicted: predicted) }
            if task == .multiclassClassification {
                switch check.metric {
                case .precision: return ClassificationMetrics.macroPrecision(truth: truth, predicted: predicted)
                case .recall: return ClassificationMetrics.macroRecall(truth: truth, predicted: predicted)
                default: return ClassificationMetrics.macroF1(truth: truth, predicted: predicted)
                }
            }
            let positive = classes.existingID(for: check.positiveLabel)
            let t = truth.map { $0 == positive }
            let p = predicted.map { $0 == positive }
            switch check.metric {
            case .precision: return ClassificationMetrics.binaryPrecision(truth: t, predicted: p)
            case .recall: return ClassificationMetrics.binaryRecall(truth: t, predicted: p)
            default: return ClassificationMetrics.binaryF1(truth: t, predicted: p)
            }
        }
    }
}
