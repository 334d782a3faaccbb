public import DriftRules

/// The deterministic engine of one monitor: records in, window results out.
///
/// `driftd replay` feeds it whole files; the daemon feeds it lines as they are appended. The same
/// lines in the same order give the same results.
public final class MonitorEngine: @unchecked Sendable {
    /// A line that was counted and skipped.
    public struct MalformedLine: Sendable, Equatable {
        public var file: String
        public var line: Int
        public var reason: String
    }

    /// The report's `counts` (§4), plus records that no window could take.
    public struct Counts: Sendable, Equatable {
        public var records = 0
        public var labels = 0
        public var malformedLines = 0
        public var unmatchedLabels = 0
        public var duplicateLabels = 0
        public var referenceRecords = 0
        public var lateRecords = 0
        public var recordsWithoutTimestamp = 0
    }

    /// At most this many malformed lines are kept with their line numbers (all are counted).
    public static let malformedDetailLimit = 1000

    public let rule: MonitorRule
    public let layout: RecordLayout
    public let labels = LabelBook()
    let parser: RecordParser
    let categories: [CategoryDictionary]
    let classes = CategoryDictionary()
    /// Reads prediction ids for `predictionID(_:)` (its own dictionaries: the engine's stay untouched).
    lazy var identifierParser = RecordParser(layout: layout, categories: categories.map { _ in CategoryDictionary() },
                                             classes: CategoryDictionary())
    private let buffer: RecordColumns
    private var referenceRows: RecordColumns?
    /// Reference columns: one per feature (rule order), then the prediction, then the score.
    public private(set) var reference: [ReferenceColumn]?
    /// Calibrated thresholds by column (as `reference`) and test position.
    private var calibrations: [Int: [Int: Calibration]] = [:]
    private var planner: WindowPlanner
    private var conceptDrift: ConceptDriftTracker
    /// Every concept-drift detection so far, in stream order.
    public private(set) var detections: [Detection] = []
    private var streamRecords = 0
    private var malformedCount = 0
    public private(set) var malformed: [MalformedLine] = []

    public init(rule: MonitorRule) {
        self.rule = rule
        layout = RecordLayout(rule: rule)
        categories = (0..<layout.categoricalCount).map { _ in CategoryDictionary() }
        parser = RecordParser(layout: layout, categories: categories, classes: classes)
        buffer = RecordColumns(numericalCount: layout.numericalCount, categoricalCount: layout.categoricalCount)
        planner = WindowPlanner(window: rule.window)
        conceptDrift = ConceptDriftTracker(rule: rule)
        switch rule.reference {
        case .file: referenceRows = RecordColumns(numericalCount: layout.numericalCount, categoricalCount: layout.categoricalCount)
        case .first: referenceRows = RecordColumns(numericalCount: layout.numericalCount, categoricalCount: layout.categoricalCount)
        case nil: reference = []
        }
    }

    public var counts: Counts {
        var counts = Counts()
        counts.records = streamRecords
        counts.labels = labels.labelCount
        counts.malformedLines = malformedCount
        counts.unmatchedLabels = labels.unmatchedLabels
        counts.duplicateLabels = labels.duplicateLabels
        counts.referenceRecords = referenceCount
        counts.lateRecords = planner.lateRecords
        counts.recordsWithoutTimestamp = planner.recordsWithoutTime
        return counts
    }

    private var referenceCount = 0
    /// A new reference being collected after `rebaseline()`, and the size it needs.
    private var rebaselineRows: RecordColumns?
    private var rebaselineSize = 0

    /// Starts a new reference (the retrain loop's `after_promotion: "rebaseline"`): the next prediction
    /// records, as many as the current reference holds, replace it once they are all in, and `auto`
    /// thresholds are calibrated again on them. Windows go on meanwhile, tested against the old
    /// reference. Does nothing while the first reference is incomplete, or when there is none.
    public func rebaseline() {
        guard referenceRows == nil, referenceCount > 0 else { return }
        rebaselineRows = RecordColumns(numericalCount: layout.numericalCount, categoricalCount: layout.categoricalCount)
        rebaselineSize = referenceCount
    }

    private func recordMalformed(file: String, line: Int, reason: String) {
        malformedCount += 1
        if malformed.count < Self.malformedDetailLimit {
            malformed.append(MalformedLine(file: file, line: line, reason: reason))
        }
    }

    /// Counts a line that was too long to read as malformed.
    public func recordTooLong(file: String, line: Int, length: Int) {
        recordMalformed(file: file, line: line, reason: "line of \(length) bytes is longer than \(LineReader.maximumLineLength) bytes")
    }

    // MARK: Reference file

    /// Reads one line of a reference file (`reference.path`).
    public func ingestReferenceLine(_ line: UnsafeBufferPointer<UInt8>, file: String, lineNumber: Int) {
        guard let rows = referenceRows else { return }
        if let reason = parser.parsePrediction(line) {
            recordMalformed(file: file, line: lineNumber, reason: reason)
            return
        }
        parser.commitPrediction(to: rows, streamIndex: rows.count)
    }

    /// Ends the reference file and builds the reference profile.
    public func finishReference() {
        guard let rows = referenceRows else { return }
        buildReference(from: rows)
    }

    private func buildReference(from rows: RecordColumns) {
        let all = Array(0..<rows.count)
        referenceCount = rows.count
        var columns = layout.slots.map { ReferenceColumn(values: values(of: $0, in: rows, rows: all)) }
        columns.append(ReferenceColumn(values: predictionValues(in: rows, rows: all)))
        columns.append(ReferenceColumn(values: .numerical(rows.score, rows: all)))
        reference = columns
        calibrate(columns, rows: rows)
        referenceRows = nil
    }

    /// Calibrates every `threshold: "auto"` test on reference chunks of the (count) window's size.
    private func calibrate(_ columns: [ReferenceColumn], rows: RecordColumns) {
        guard case .count(let size, _) = rule.window else { return }
        let chunkCount = rows.count / size
        func chunk(_ position: Int, _ i: Int) -> ColumnValues {
            let range = Array((i * size)..<((i + 1) * size))
            if position < layout.slots.count { return values(of: layout.slots[position], in: rows, rows: range) }
            if position == layout.slots.count { return predictionValues(in: rows, rows: range) }
            return .numerical(rows.score, rows: range)
        }
        for (position, feature) in rule.features.enumerated() {
            for (index, test) in feature.drift.enumerated() where test.automaticThreshold {
                calibrations[position, default: [:]][index] = Calibration.calibrate(
                    test, reference: columns[position], chunkCount: chunkCount) { chunk(position, $0) }
            }
        }
        for (index, test) in rule.predictionDrift.enumerated() where test.test.automaticThreshold {
            let position = layout.slots.count + (test.field == .score ? 1 : 0)
            calibrations[position, default: [:]][index] = Calibration.calibrate(
                test.test, reference: columns[position], chunkCount: chunkCount) { chunk(position, $0) }
        }
    }

    /// The outcome of test `index` of column `position`, with its calibrated threshold if any.
    private func run(_ test: MonitorRule.DriftTest, column position: Int, index: Int, current: ColumnValues) -> DriftOutcome {
        var outcome = DriftTester.run(test, reference: reference![position], current: current,
                                      calibration: calibrations[position]?[index])
        if test.automaticThreshold && outcome.calibration == nil {
            outcome.note = "threshold \"auto\" needs at least 2 reference chunks of the window's size; the default threshold was used"
        }
        return outcome
    }

    // MARK: Streams

    /// Reads one label line.
    public func ingestLabelLine(_ line: UnsafeBufferPointer<UInt8>, file: String, lineNumber: Int) {
        switch parser.parseLabel(line) {
        case .success(let label): labels.add(label)
        case .failure(let error): recordMalformed(file: file, line: lineNumber, reason: error.message)
        }
    }

    /// Reads one prediction line; returns the windows it completes, evaluated.
    public func ingestPredictionLine(_ line: UnsafeBufferPointer<UInt8>, file: String, lineNumber: Int) -> [WindowResult] {
        if let reason = parser.parsePrediction(line) {
            recordMalformed(file: file, line: lineNumber, reason: reason)
            return []
        }
        let streamIndex = streamRecords
        streamRecords += 1
        if !conceptDrift.isEmpty, let label = labels.label(for: parser.parsedID),
           let error = ConceptDriftTracker.error(task: rule.task, label: label, prediction: parser.parsedPrediction) {
            detections += conceptDrift.observe(error: error, record: streamIndex)
        }
        if case .first(let n) = rule.reference, let rows = referenceRows {
            parser.commitPrediction(to: rows, streamIndex: streamIndex)
            labels.markMatched(parser.parsedID)
            if rows.count == n { buildReference(from: rows) }
            return []
        }
        labels.markMatched(parser.parsedID)
        let (spans, accepted) = planner.add(timestamp: parser.parsedTimestamp)
        // A count window's last record is in the window; a time window's completing record never is.
        if accepted { parser.commitPrediction(to: buffer, streamIndex: streamIndex) }
        let results = spans.map(evaluate)
        // A new reference takes over after the windows this record completes were tested.
        if let rows = rebaselineRows {
            parser.commitPrediction(to: rows, streamIndex: streamIndex)
            if rows.count == rebaselineSize {
                rebaselineRows = nil
                buildReference(from: rows)
            }
        }
        let droppable = planner.droppableRows
        if droppable > 0 && droppable * 2 >= buffer.count {
            buffer.removeFirst(droppable)
            planner.dropped(droppable)
        }
        return results
    }

    // MARK: Evaluation

    private func values(of slot: RecordLayout.Slot, in columns: RecordColumns, rows: [Int]) -> ColumnValues {
        switch slot {
        case .numerical(let i): .numerical(columns.numerical[i], rows: rows)
        case .categorical(let i): .categorical(columns.categorical[i], rows: rows, categoryCount: categories[i].count)
        }
    }

    private func predictionValues(in columns: RecordColumns, rows: [Int]) -> ColumnValues {
        layout.isClassification
            ? .categorical(columns.predictedClass, rows: rows, categoryCount: classes.count)
            : .numerical(columns.prediction, rows: rows)
    }

    /// Adjusts the features' KS and chi2 p-values of a window together (`correction`) and decides drift on them.
    private func applyCorrection(to result: inout WindowResult) {
        guard rule.correction != .none else { return }
        var family: [(feature: Int, outcome: Int)] = []
        for (f, feature) in result.features.enumerated() {
            for (o, outcome) in feature.outcomes.enumerated()
            where outcome.method.isPValueTest && outcome.calibration == nil && outcome.pValue != nil {
                family.append((f, o))
            }
        }
        let adjusted = MultipleTesting.adjusted(family.map { result.features[$0.feature].outcomes[$0.outcome].pValue! },
                                                method: rule.correction)
        for ((f, o), p) in zip(family, adjusted) {
            result.features[f].outcomes[o].adjustedPValue = p
            result.features[f].outcomes[o].drift = DriftTester.isDrift(result.features[f].outcomes[o])
        }
    }

    /// The last evaluated window's index and values, per feature (rule order): the HTML report's histograms.
    private var lastWindow: (index: Int, values: [ColumnValues])?

    /// Each feature's reference and last-window distribution (empty before a window with a reference).
    public var profiles: [FeatureProfile] {
        guard let lastWindow, let reference, !reference.isEmpty else { return [] }
        return rule.features.indices.compactMap { position in
            var names: [String] = []
            if case .categorical(let i) = layout.slots[position] { names = categories[i].names }
            return FeatureProfile.make(name: rule.features[position].name, window: lastWindow.index, reference: reference[position].values,
                                       current: lastWindow.values[position], categoryNames: names)
        }
    }

    func evaluate(_ span: WindowPlanner.Span) -> WindowResult {
        let rows = span.rows
        var windowValues: [ColumnValues] = []
        let reference = self.reference ?? []
        var result = WindowResult(index: span.index, firstRecord: buffer.streamIndexes[rows[0]], count: rows.count,
                                  startTime: nil, endTime: nil, features: [], prediction: [], performance: nil, alerts: [])
        if let bounds = span.bounds {
            result.startTime = bounds.start
            result.endTime = bounds.end
        } else {
            let times = rows.map { buffer.timestamps[$0] }.filter { !$0.isNaN }
            result.startTime = times.min()
            result.endTime = times.max()
        }
        for (position, feature) in rule.features.enumerated() {
            let current = values(of: layout.slots[position], in: buffer, rows: rows)
            windowValues.append(current)
            var featureResult = WindowResult.FeatureResult(name: feature.name, missing: current.missing, outcomes: [])
            if !reference.isEmpty {
                featureResult.outcomes = feature.drift.enumerated().map { run($1, column: position, index: $0, current: current) }
                let names: [String]
                if case .categorical(let i) = layout.slots[position] { names = categories[i].names } else { names = [] }
                featureResult.quality = QualityFindings.measure(current: current, count: rows.count,
                                                                reference: reference[position], names: names)
            }
            result.features.append(featureResult)
        }
        lastWindow = (span.index, windowValues)
        applyCorrection(to: &result)
        if let share = rule.datasetDriftShare {
            let tested = result.features.filter { !$0.outcomes.isEmpty }
            let drifted = tested.filter { $0.outcomes.contains(where: \.drift) }.map(\.name)
            let observed = tested.isEmpty ? 0 : Double(drifted.count) / Double(tested.count)
            result.datasetDrift = WindowResult.DatasetDrift(driftedFeatures: drifted, testedFeatures: tested.count,
                                                            share: observed, threshold: share, drift: !tested.isEmpty && observed >= share)
        }
        if !rule.predictionDrift.isEmpty, !reference.isEmpty {
            let predictionCurrent = predictionValues(in: buffer, rows: rows)
            let scoreCurrent = ColumnValues.numerical(buffer.score, rows: rows)
            for (index, test) in rule.predictionDrift.enumerated() {
                let isScore = test.field == .score
                let current = isScore ? scoreCurrent : predictionCurrent
                let position = rule.features.count + (isScore ? 1 : 0)
                result.prediction.append(WindowResult.PredictionResult(
                    field: test.field.rawValue, missing: current.missing,
                    outcome: run(test.test, column: position, index: index, current: current)))
            }
        }
        if rule.labels != nil, !rule.performance.isEmpty {
            result.performance = PerformanceResult.evaluate(rule: rule, rows: rows, columns: buffer, labels: labels, classes: classes)
        }
        result.alerts = AlertRaiser.alerts(for: result, rule: rule)
        return result
    }
}
