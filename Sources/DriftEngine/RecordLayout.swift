public import DriftRules

/// How a monitor's records map to columns: field names as bytes, and each feature's column.
public struct RecordLayout: Sendable {
    /// The top-level fields of a prediction record, in `predictionTable` order.
    enum PredictionField: Int {
        case id, timestamp, features, prediction, score
    }

    /// Where a feature's values go.
    public enum Slot: Sendable, Equatable {
        case numerical(Int)
        case categorical(Int)
    }

    let idKey: [UInt8]
    let timestampKey: [UInt8]
    let featuresKey: [UInt8]
    let predictionKey: [UInt8]
    let scoreKey: [UInt8]
    let labelIDKey: [UInt8]
    let labelKey: [UInt8]
    /// Feature names to their index in `slots`.
    let featureTable: KeyTable
    /// Top-level prediction fields to `PredictionField` raw values.
    let predictionTable: KeyTable
    /// Whether predictions and labels are classes.
    public let isClassification: Bool
    /// Each feature's slot, in rule order.
    public let slots: [Slot]
    public let numericalCount: Int
    public let categoricalCount: Int

    public init(rule: MonitorRule) {
        idKey = Array(rule.predictions.idField.utf8)
        timestampKey = Array(rule.predictions.timestampField.utf8)
        featuresKey = Array(rule.predictions.featuresField.utf8)
        predictionKey = Array(rule.predictions.predictionField.utf8)
        scoreKey = Array(rule.predictions.scoreField.utf8)
        labelIDKey = Array((rule.labels?.idField ?? "id").utf8)
        labelKey = Array((rule.labels?.labelField ?? "label").utf8)
        isClassification = rule.task.isClassification
        var numerical = 0
        var categorical = 0
        var slots: [Slot] = []
        for feature in rule.features {
            switch feature.type {
            case .numerical:
                slots.append(.numerical(numerical))
                numerical += 1
            case .categorical:
                slots.append(.categorical(categorical))
                categorical += 1
            }
        }
        self.slots = slots
        numericalCount = numerical
        categoricalCount = categorical
        featureTable = KeyTable(keys: rule.features.map { Array($0.name.utf8) })
        predictionTable = KeyTable(keys: [idKey, timestampKey, featuresKey, predictionKey, scoreKey])
    }
}
