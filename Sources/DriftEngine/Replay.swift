public import DriftRules

/// `driftd replay`: runs the engine over whole files, from the first line to the last
/// (CONTRACT.md §3). Labels are read first, so every label in the labels file is known.
public enum Replay {
    /// Paths given on the command line instead of the rule file's.
    public struct Overrides: Sendable {
        public var predictions: String?
        public var labels: String?
        public var reference: String?

        public init(predictions: String? = nil, labels: String? = nil, reference: String? = nil) {
            self.predictions = predictions
            self.labels = labels
            self.reference = reference
        }
    }

    /// An input that could not be read: replay exits 1.
    public struct InputError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Runs `rule` over its files (or the overrides) and returns the report.
    public static func run(rule: MonitorRule, overrides: Overrides = Overrides()) throws(InputError) -> Report {
        let engine = MonitorEngine(rule: rule)
        func files(_ override: String?, _ rulePath: String, _ what: String) throws(InputError) -> [String] {
            try Replay.files(override, rulePath, what, rule: rule)
        }
        func read(_ path: String, _ handle: (UnsafeBufferPointer<UInt8>, Int) -> Void) throws(InputError) {
            try Replay.read(path, engine: engine, handle)
        }

        if let labels = rule.labels {
            for path in try files(overrides.labels, labels.path, "labels") {
                try read(path) { engine.ingestLabelLine($0, file: path, lineNumber: $1) }
            }
        }
        try loadReference(into: engine, override: overrides.reference)
        var windows: [WindowResult] = []
        for path in try files(overrides.predictions, rule.predictions.path, "predictions") {
            try read(path) { windows += engine.ingestPredictionLine($0, file: path, lineNumber: $1) }
        }
        return Report(rule: rule, referenceCount: engine.counts.referenceRecords, windows: windows,
                      detections: engine.detections, counts: engine.counts, malformed: engine.malformed, profiles: engine.profiles)
    }

    /// Reads the rule's reference file (`reference.path`, or `override`) into `engine` and builds the
    /// reference profile; does nothing for `reference.first`. The daemon reads it the same way.
    public static func loadReference(into engine: MonitorEngine, override: String? = nil) throws(InputError) {
        guard case .file(let referencePath) = engine.rule.reference else { return }
        for path in try files(override, referencePath, "reference", rule: engine.rule) {
            try read(path, engine: engine) { engine.ingestReferenceLine($0, file: path, lineNumber: $1) }
        }
        engine.finishReference()
    }

    /// The files a stream path of the rule (or its override) names, oldest first; an error when none.
    static func files(_ override: String?, _ rulePath: String, _ what: String, rule: MonitorRule) throws(InputError) -> [String] {
        let pattern = override ?? StreamFiles.absolute(rulePath, relativeTo: StreamFiles.directory(of: rule.sourcePath))
        let found = StreamFiles.resolve(pattern)
        guard !found.isEmpty else { throw InputError(description: "\(pattern): no \(what) file matches") }
        return found
    }

    /// Every line of a finished file, the last one even without its "\n"; too-long lines counted as malformed.
    static func read(_ path: String, engine: MonitorEngine, _ handle: (UnsafeBufferPointer<UInt8>, Int) -> Void) throws(InputError) {
        do {
            try LineReader.forEachLine(path: path, includeUnterminated: true) { line, number in
                switch line {
                case .complete(let bytes): handle(bytes, number)
                case .tooLong(let length): engine.recordTooLong(file: path, line: number, length: length)
                }
            }
        } catch {
            throw InputError(description: error.description)
        }
    }
}
