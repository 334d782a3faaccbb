public import DriftRules

/// The report of CONTRACT.md §4: the monitor's windows, detections, alerts and counts.
public struct Report: Sendable {
    public var rule: MonitorRule
    public var referenceCount: Int
    public var windows: [WindowResult]
    public var counts: MonitorEngine.Counts
    public var malformed: [MonitorEngine.MalformedLine]
    public var detections: [Detection]
    /// Each feature's reference and last-window distribution (for the HTML report; not in the JSON).
    public var profiles: [FeatureProfile]

    public init(rule: MonitorRule, referenceCount: Int, windows: [WindowResult], detections: [Detection],
                counts: MonitorEngine.Counts, malformed: [MonitorEngine.MalformedLine], profiles: [FeatureProfile] = []) {
        self.profiles = profiles
        self.rule = rule
        self.referenceCount = referenceCount
        self.windows = windows
        self.detections = detections
        self.counts = counts
        self.malformed = malformed
    }

    /// Every alert of every window, in window order, then one `concept_drift` alert per detection.
    public var alerts: [Alert] { windows.flatMap(\.alerts) + detections.map { AlertRaiser.alert(for: $0, rule: rule) } }

    /// The report as JSON, keys in a fixed order.
    public var json: JSONOutput {
        .object([
            ("monitor", .string(rule.monitor)),
            ("reference", .object([("count", .int(referenceCount))])),
            ("windows", .array(windows.map(Self.json))),
            ("concept_drift", .array(detections.map { detection in
                var fields: [(String, JSONOutput)] = [("detector", .string(detection.detector))]
                if let name = detection.name { fields.append(("name", .string(name))) }
                fields.append(("labeled_index", .int(detection.labeledIndex)))
                fields.append(("record", .int(detection.record)))
                return .object(fields)
            })),
            ("alerts", .array(alerts.map(Self.json))),
            ("counts", .object([
                ("records", .int(counts.records)),
                ("labels", .int(counts.labels)),
                ("malformed_lines", .int(counts.malformedLines)),
                ("unmatched_labels", .int(counts.unmatchedLabels)),
                ("duplicate_labels", .int(counts.duplicateLabels)),
                ("reference_records", .int(counts.referenceRecords)),
                ("late_records", .int(counts.lateRecords)),
                ("records_without_timestamp", .int(counts.recordsWithoutTimestamp)),
            ])),
            ("malformed", .array(malformed.map {
                .object([("file", .string($0.file)), ("line", .int($0.line)), ("error", .string($0.reason))])
            })),
        ])
    }

    /// One window of the report's `windows` array.
    public static func json(_ window: WindowResult) -> JSONOutput {
        var members: [(String, JSONOutput)] = [
            ("index", .int(window.index)),
            ("first_record", .int(window.firstRecord)),
            ("count", .int(window.count)),
            ("start_time", window.startTime.map { .string(Timestamp.format($0)) } ?? .null),
            ("end_time", window.endTime.map { .string(Timestamp.format($0)) } ?? .null),
            ("features", .object(window.features.map { feature in
                var fields: [(String, JSONOutput)] = [("missing", .int(feature.missing))]
                fields += feature.outcomes.map { ($0.method.rawValue, json($0)) }
                if let quality = feature.quality { fields.append(("quality", json(quality))) }
                return (feature.name, .object(fields))
            })),
        ]
        if let dataset = window.datasetDrift {
            members.append(("dataset_drift", .object([
                ("drifted_features", .array(dataset.driftedFeatures.map { .string($0) })),
                ("tested_features", .int(dataset.testedFeatures)),
                ("share", .double(dataset.share)),
                ("threshold", .double(dataset.threshold)),
                ("drift", .bool(dataset.drift)),
            ])))
        }
        if !window.prediction.isEmpty {
            members.append(("prediction", .object(window.prediction.map { result in
                var outcome = json(result.outcome)
                if case .object(var fields) = outcome {
                    fields.append(("field", .string(result.field)))
                    fields.append(("missing", .int(result.missing)))
                    outcome = .object(fields)
                }
                return (result.outcome.method.rawValue, outcome)
            })))
        }
        if let performance = window.performance {
            members.append(("performance", .object([("labeled", .int(performance.labeled))] + performance.values.map {
                ($0.check.metric.rawValue, .number($0.value))
            })))
        }
        return .object(members)
    }

    static func json(_ outcome: DriftOutcome) -> JSONOutput {
        var fields: [(String, JSONOutput)] = []
        if outcome.method.isPValueTest {
            fields.append(("statistic", .number(outcome.statistic)))
            fields.append(("p_value", .number(outcome.pValue)))
        } else {
            fields.append(("value", .number(outcome.value)))
        }
        fields.append(("threshold", .double(outcome.threshold)))
        if let minimum = outcome.minStatistic { fields.append(("min_statistic", .double(minimum))) }
        fields.append(("drift", .bool(outcome.drift)))
        if let method = outcome.pValueMethod { fields.append(("p_value_method", .string(method))) }
        if let adjusted = outcome.adjustedPValue { fields.append(("adjusted_p_value", .number(adjusted))) }
        if let v = outcome.cramersV { fields.append(("cramers_v", .number(v))) }
        if let calibration = outcome.calibration {
            fields.append(("threshold_mode", .string("auto")))
            fields.append(("calibration", .object([
                ("chunks", .int(calibration.values.count)),
                ("mean", .number(calibration.mean)),
                ("std", .number(calibration.standardDeviation)),
                ("multiplier", .double(Calibration.multiplier)),
                ("values", .array(calibration.values.map { .number($0) })),
            ])))
        }
        if let note = outcome.note { fields.append(("note", .string(note))) }
        return .object(fields)
    }

    static func json(_ quality: QualityFindings) -> JSONOutput {
        var fields: [(String, JSONOutput)] = [("missing_rate", .number(quality.missingRate))]
        if let count = quality.outOfRange {
            fields.append(("out_of_range", .int(count)))
            fields.append(("out_of_range_rate", .number(quality.outOfRangeRate)))
        }
        if let count = quality.unseen {
            fields.append(("unseen", .int(count)))
            fields.append(("unseen_rate", .number(quality.unseenRate)))
            fields.append(("unseen_categories", .array(quality.unseenCategories.map { .string($0) })))
        }
        return .object(fields)
    }

    /// An alert as the report and the generic webhook show it.
    public static func json(_ alert: Alert) -> JSONOutput {
        var fields: [(String, JSONOutput)] = [
            ("kind", .string(alert.kind.rawValue)),
            ("severity", .string(alert.severity.rawValue)),
            ("monitor", .string(alert.monitor)),
        ]
        if let window = alert.window { fields.append(("window", .int(window))) }
        if let feature = alert.feature { fields.append(("feature", .string(feature))) }
        if let method = alert.method { fields.append(("method", .string(method))) }
        if let metric = alert.metric { fields.append(("metric", .string(metric))) }
        if let bound = alert.bound { fields.append(("bound", .string(bound))) }
        if let detector = alert.detector { fields.append(("detector", .string(detector))) }
        if let name = alert.detectorName { fields.append(("name", .string(name))) }
        if let record = alert.record { fields.append(("record", .int(record))) }
        if let attempt = alert.attempt { fields.append(("attempt", .int(attempt))) }
        fields.append(("value", .number(alert.value)))
        fields.append(("threshold", .number(alert.threshold)))
        fields.append(("message", .string(alert.message)))
        return .object(fields)
    }
}
