import DriftStats
import Foundation

/// `driftd-bench detectors SPEC.json`: updates per second of each concept-drift
/// detector over sequences the runner wrote (Benchmarks/bench_detectors.py).
///
/// SPEC: `{"sequences": {NAME: PATH}, "runs": [{"name", "detector",
/// "parameters", "mode", "sequence"}]}`; a sequence file is raw little-endian
/// float64 values. Each run is timed through `AnyConceptDriftDetector` (the
/// engine's path) and through the typed detector, fastest of several runs,
/// and reports its detection positions so the runner can check them against
/// River's.
func benchmarkDetectors(specPath: String) {
    struct Run: Decodable {
        let name: String
        let detector: String
        let parameters: [String: Double]
        let mode: String?
        let sequence: String
    }
    struct Spec: Decodable {
        let sequences: [String: String]
        let runs: [Run]
    }
    let spec = try! JSONDecoder().decode(Spec.self, from: Data(contentsOf: URL(fileURLWithPath: specPath)))
    var sequences: [String: [Double]] = [:]
    for (name, path) in spec.sequences {
        let data = try! Data(contentsOf: URL(fileURLWithPath: path))
        sequences[name] = data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
    }

    for run in spec.runs {
        let values = sequences[run.sequence]!
        guard let prototype = AnyConceptDriftDetector(kind: run.detector, parameters: run.parameters, mode: run.mode) else {
            fatalError("invalid detector in \(run.name)")
        }
        let repeats = values.count >= 1_000_000 ? 5 : 9
        var detections: [Int] = []
        let seconds = fastest(repeats) {
            var detector = prototype
            var found: [Int] = []
            values.withUnsafeBufferPointer { buffer in
                for index in 0..<buffer.count where detector.update(buffer[index]) {
                    found.append(index)
                }
            }
            detections = found
        }
        let typedSeconds = fastest(repeats) { timeTyped(prototype, values, detections.count) }
        report(run.name, [
            "detector": run.detector, "updates": values.count, "seconds": seconds,
            "updates_per_second": Double(values.count) / seconds,
            "typed_updates_per_second": Double(values.count) / typedSeconds,
            "detections": detections,
        ])
    }
}

/// Feeds `values` to the typed detector inside `detector` (no enum dispatch per update).
private func timeTyped(_ detector: AnyConceptDriftDetector, _ values: [Double], _ expected: Int) {
    func feed<Detector: ConceptDriftDetector>(_ detector: Detector) -> Int {
        var detector = detector
        var count = 0
        values.withUnsafeBufferPointer { buffer in
            for index in 0..<buffer.count where detector.update(buffer[index]) { count += 1 }
        }
        return count
    }
    let count: Int
    switch detector {
    case .adwin(let typed): count = feed(typed)
    case .ddm(let typed): count = feed(typed)
    case .eddm(let typed): count = feed(typed)
    case .pageHinkley(let typed): count = feed(typed)
    case .hddmA(let typed): count = feed(typed)
    case .hddmW(let typed): count = feed(typed)
    case .kswin(let typed): count = feed(typed)
    }
    precondition(count == expected, "typed and rule-built detectors disagree")
}
