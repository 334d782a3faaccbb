import DriftEngine
import DriftRules

/// Real window results and alerts from the real engine, over generated in-memory streams: a
/// reference of 200 records, then windows of 100 whose `x` shifts from the third window on.
struct EngineFixture {
    static let monitor = "taxi-duration"

    static let rule: MonitorRule = {
        let text = """
        {"monitor": "\(monitor)", "task": "regression",
         "predictions": {"path": "p.jsonl"}, "labels": {"path": "l.jsonl"},
         "reference": {"first": 200}, "window": {"size": 100},
         "features": {
           "x": {"type": "numerical", "drift": [{"method": "psi", "threshold": 0.2}, {"method": "ks", "p_value": 0.05}]},
           "c": {"type": "categorical", "drift": [{"method": "psi", "threshold": 0.2}, {"method": "chi2", "p_value": 0.05}]}
         },
         "prediction_drift": [{"method": "psi", "threshold": 0.2}],
         "dataset_drift": {"share": 0.5},
         "performance": [{"metric": "rmse", "max": 1.5}, {"metric": "mae"}]}
        """
        return try! RuleLoader.load(bytes: Array(text.utf8), path: "rules/taxi.json").get()
    }()

    /// The windows evaluated, in order, and the number of prediction lines fed (one malformed).
    var windows: [WindowResult] = []
    var lines = 0
    var malformed = 0

    /// Feeds `records` prediction records (and every record's label first) through a `MonitorEngine`.
    init(records: Int = 500) {
        let engine = MonitorEngine(rule: Self.rule)
        for i in 0..<records {
            let label = #"{"id":"p-\#(i)","label":\#(Self.prediction(i) + Double(i % 3))}"#
            Self.feed(label) { engine.ingestLabelLine($0, file: "l.jsonl", lineNumber: i + 1) }
        }
        for i in 0..<records {
            // Deterministic values: x spreads over [0, 10) and shifts by 6 from record 400 on.
            let x = Double((i * 37) % 100) / 10 + (i >= 400 ? 6 : 0)
            let c = ["card", "cash", "voucher"][i % 3]
            let line = #"{"id":"p-\#(i)","features":{"x":\#(x),"c":"\#(c)"},"prediction":\#(Self.prediction(i))}"#
            Self.feed(line) { windows += engine.ingestPredictionLine($0, file: "p.jsonl", lineNumber: i + 1) }
            lines += 1
        }
        Self.feed("not json") { windows += engine.ingestPredictionLine($0, file: "p.jsonl", lineNumber: records + 1) }
        lines += 1
        malformed += 1
    }

    var alerts: [Alert] { windows.flatMap(\.alerts) }

    private static func prediction(_ i: Int) -> Double { Double(i % 7) }

    private static func feed(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        Array(text.utf8).withUnsafeBufferPointer(body)
    }
}
