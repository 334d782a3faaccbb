public import DriftRules
import DriftStats

/// A concept-drift detection (an element of the report's `concept_drift`, §4).
public struct Detection: Sendable, Equatable {
    public var detector: String
    public var name: String?
    /// 0-based position among the records that have a label, in prediction-record order.
    public var labeledIndex: Int
    /// The record's index in the prediction stream.
    public var record: Int
}

/// Runs a monitor's concept-drift detectors on the errors of its labeled records, in prediction
/// order from the stream's first record (CONTRACT.md §5): 0/1 for classification (1 = wrong),
/// the absolute error for regression. A labeled record without a usable prediction is skipped.
public struct ConceptDriftTracker: Sendable {
    private let configurations: [MonitorRule.Detector]
    private var detectors: [AnyConceptDriftDetector]
    public private(set) var labeledCount = 0

    public init(rule: MonitorRule) {
        configurations = rule.conceptDrift
        detectors = rule.conceptDrift.compactMap {
            AnyConceptDriftDetector(kind: $0.kind, parameters: $0.parameters, mode: $0.mode)
        }
        precondition(detectors.count == configurations.count, "a validated rule names only known detectors")
    }

    public var isEmpty: Bool { detectors.isEmpty }

    /// The error fed to the detectors, or nil when the record's prediction is missing.
    public static func error(task: MonitorRule.Task, label: RecordParser.Label, prediction: (value: Double, classID: Int32)) -> Double? {
        if task.isClassification {
            guard prediction.classID >= 0 else { return nil }
            return prediction.classID == label.classID ? 0 : 1
        }
        guard !prediction.value.isNaN else { return nil }
        return abs(label.value - prediction.value)
    }

    /// Feeds one labeled record's error; returns the detections it causes.
    public mutating func observe(error: Double, record: Int) -> [Detection] {
        let index = labeledCount
        labeledCount += 1
        var found: [Detection] = []
        for i in detectors.indices where detectors[i].update(error) {
            found.append(Detection(detector: configurations[i].kind, name: configurations[i].name, labeledIndex: index, record: record))
        }
        return found
    }
}
