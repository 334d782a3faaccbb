// libFuzzer entry point for driftd's parsers (RELIABILITY.md, `make fuzz`).
//
// Built by scripts/fuzz.sh with `-sanitize=fuzzer,address -DFUZZING`; without FUZZING (the normal
// build) it is a small program that says how to run it. `DRIFTD_FUZZ_TARGET` picks what the input is
// fed to:
//   records  a monitor engine: the input as a prediction line and as a label line (windows of 5 after
//            a reference of 5, so windows, drift tests and metrics run too; the engine is renewed
//            every 1,000 inputs to bound memory)
//   rules    the rule loader (JSON with positions, validation, diagnostics)
//   parsers  the duration and timestamp parsers
import DriftEngine
import DriftRules
import Foundation

enum FuzzTarget: String {
    case records, rules, parsers

    static let current = FuzzTarget(rawValue: ProcessInfo.processInfo.environment["DRIFTD_FUZZ_TARGET"] ?? "records") ?? .records
}

/// The engine the `records` target feeds, renewed every 1,000 inputs.
nonisolated(unsafe) var engine: MonitorEngine?
nonisolated(unsafe) var inputs = 0

let recordRule: MonitorRule = {
    let text = """
        {"monitor": "fuzz", "task": "binary_classification",
         "predictions": {"path": "p.jsonl"}, "labels": {"path": "l.jsonl"},
         "reference": {"first": 5}, "window": {"size": 5},
         "features": {"x": {"type": "numerical", "drift": [{"method": "psi", "bins": 3}, {"method": "ks"}, {"method": "wasserstein"}]},
                      "c": {"type": "categorical", "drift": [{"method": "chi2"}, {"method": "jensen_shannon"}]}},
         "prediction_drift": [{"method": "psi"}],
         "performance": [{"metric": "f1"}, {"metric": "roc_auc"}],
         "concept_drift": [{"detector": "adwin"}, {"detector": "ddm"}]}
        """
    guard case .success(let rule) = RuleLoader.load(bytes: Array(text.utf8), path: "fuzz.json") else { fatalError("the fuzz rule is invalid") }
    return rule
}()

func fuzzOne(_ bytes: UnsafeBufferPointer<UInt8>) {
    switch FuzzTarget.current {
    case .records:
        if inputs % 1000 == 0 { engine = MonitorEngine(rule: recordRule) }
        inputs += 1
        guard let engine else { return }
        engine.ingestLabelLine(bytes, file: "l.jsonl", lineNumber: inputs)
        _ = engine.ingestPredictionLine(bytes, file: "p.jsonl", lineNumber: inputs)
    case .rules:
        _ = RuleLoader.load(bytes: Array(bytes), path: "fuzz.json")
    case .parsers:
        let text = String(decoding: bytes, as: UTF8.self)
        _ = DurationParser.seconds(text)
        _ = Timestamp.parse(text)
        _ = Timestamp.parse(bytes)
    }
}

#if FUZZING
/// libFuzzer's driver (in libclang_rt.fuzzer, linked by `-sanitize=fuzzer`).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The executable's entry point: SwiftPM links an executable target's `main` to `<target>_main`, so the
/// fuzzer driver is started from here rather than from libFuzzer's own `main`.
@_cdecl("driftd_fuzz_main")
public func driftdFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runFuzzerDriver(&count, &vector) { data, size in
        fuzzOne(UnsafeBufferPointer(start: data, count: size))
        return 0
    }
}
#else
@main
struct DriftdFuzz {
    static func main() {
        // Without libFuzzer: feed each file named on the command line once (a corpus replay).
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            data.withUnsafeBytes { fuzzOne($0.bindMemory(to: UInt8.self)) }
        }
        print("driftd-fuzz: \(CommandLine.arguments.count - 1) inputs fed to '\(FuzzTarget.current.rawValue)'; run `make fuzz` for coverage-guided fuzzing")
    }
}
#endif
