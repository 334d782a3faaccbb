import DriftStats
import Foundation
import Testing

/// Compares the concept-drift detectors with River 0.26.1 on the runs in
/// `Tests/Fixtures/detectors-{binary,real,long}.json`, written by
/// `scripts/fixtures/gen_detectors.py`: every run must report drift at
/// exactly River's positions (KSWIN: at the positions of River's algorithm
/// with driftd's generator and scipy's `ks_2samp`).
struct DetectorTests {
    struct Run: Decodable, CustomStringConvertible {
        let detector: String
        let parameters: [String: Double]
        let mode: String?
        let sequence: String
        let detections: [Int]

        var description: String {
            let listed = parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }.joined(separator: " ")
            return "\(detector)(\(listed)\(mode.map { " mode=\($0)" } ?? "")) on \(sequence)"
        }
    }

    /// A fixture file: sequences by name (0/1 streams stored as strings) and runs.
    struct Fixture {
        let sequences: [String: [Double]]
        let runs: [Run]
    }

    private struct BinaryFile: Decodable {
        let sequences: [String: String]
        let runs: [Run]
    }

    private struct RealFile: Decodable {
        let sequences: [String: [Double]]
        let runs: [Run]
    }

    static func url(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(name)")
    }

    /// Decoded with `JSONDecoder`, which parses doubles exactly.
    static func load(_ name: String) -> Fixture {
        let data = try! Data(contentsOf: url("detectors-\(name).json"))
        if name == "binary" {
            let file = try! JSONDecoder().decode(BinaryFile.self, from: data)
            let sequences = file.sequences.mapValues { text in text.utf8.map { Double($0 - UInt8(ascii: "0")) } }
            return Fixture(sequences: sequences, runs: file.runs)
        }
        let file = try! JSONDecoder().decode(RealFile.self, from: data)
        return Fixture(sequences: file.sequences, runs: file.runs)
    }

    static let binary = load("binary")
    static let real = load("real")
    static let long = load("long")

    static func fixture(_ name: String) -> Fixture {
        switch name {
        case "binary": binary
        case "real": real
        default: long
        }
    }

    /// The positions where `detector` reports drift over `values`.
    static func detections(_ detector: inout AnyConceptDriftDetector, _ values: [Double], offset: Int = 0) -> [Int] {
        var found: [Int] = []
        for (index, value) in values.enumerated() where detector.update(value) {
            found.append(offset + index)
        }
        return found
    }

    static func makeDetector(_ run: Run) -> AnyConceptDriftDetector {
        guard let detector = AnyConceptDriftDetector(kind: run.detector, parameters: run.parameters, mode: run.mode) else {
            Issue.record("no detector for \(run)")
            return .ddm(DDM())
        }
        return detector
    }

    @Test("every detector reports drift exactly where River does", arguments: ["binary", "real", "long"])
    func detectionsMatchRiver(file: String) {
        let fixture = Self.fixture(file)
        #expect(fixture.runs.count > 20)
        for run in fixture.runs {
            var detector = Self.makeDetector(run)
            let found = Self.detections(&detector, fixture.sequences[run.sequence]!)
            #expect(found == run.detections, "\(run)")
        }
    }

    @Test("the fixtures cover every detector, default and other parameters, with detections")
    func fixturesCoverEveryDetector() {
        let runs = Self.binary.runs + Self.real.runs + Self.long.runs
        for kind in ["adwin", "ddm", "eddm", "page_hinkley", "hddm_a", "hddm_w", "kswin"] {
            let ofKind = runs.filter { $0.detector == kind }
            #expect(Set(ofKind.map(\.parameters)).count >= 4, "\(kind)")
            #expect(ofKind.reduce(0) { $0 + $1.detections.count } >= 20, "\(kind)")
        }
        #expect(Self.long.sequences.values.allSatisfy { $0.count >= 50_000 })
        for mode in ["both", "up", "down"] {
            #expect(runs.contains { $0.detector == "page_hinkley" && $0.mode == mode && !$0.detections.isEmpty })
        }
    }

    @Test("a detector encoded to JSON mid-stream and decoded continues with identical detections",
          arguments: ["binary", "real"])
    func stateRoundTripContinuesIdentically(file: String) throws {
        let fixture = Self.fixture(file)
        var seen = Set<String>()
        for run in fixture.runs where seen.insert("\(run.detector) \(run.mode ?? "")").inserted || run.detections.count > 3 {
            let values = fixture.sequences[run.sequence]!
            // Cut just after the first detection (the reset is pending), in the middle, and near the start.
            var cuts = [values.count / 2, min(7, values.count)]
            if let first = run.detections.first { cuts.append(first + 1) }
            for cut in cuts {
                var detector = Self.makeDetector(run)
                var found = Self.detections(&detector, Array(values[..<cut]))
                let data = try JSONEncoder().encode(detector)
                var restored = try JSONDecoder().decode(AnyConceptDriftDetector.self, from: data)
                #expect(restored == detector, "\(run) cut at \(cut)")
                found += Self.detections(&restored, Array(values[cut...]), offset: cut)
                #expect(found == run.detections, "\(run) cut at \(cut)")
            }
        }
    }

    @Test("the typed detectors and the rule-built ones give the same detections")
    func typedDetectorsMatchRuleBuiltOnes() {
        let values = Self.real.sequences["abrupt_mean"]!
        let binary = Self.binary.sequences["abrupt"]!
        func run<Detector: ConceptDriftDetector>(_ detector: Detector, _ values: [Double]) -> [Int] {
            var detector = detector
            return values.indices.filter { detector.update(values[$0]) }
        }
        func viaRule(_ kind: String, _ parameters: [String: Double], _ values: [Double], mode: String? = nil) -> [Int] {
            var detector = AnyConceptDriftDetector(kind: kind, parameters: parameters, mode: mode)!
            return Self.detections(&detector, values)
        }
        #expect(run(ADWIN(), values) == viaRule("adwin", ["delta": 0.002, "clock": 32, "max_buckets": 5,
                                                            "min_window_length": 5, "grace_period": 10], values))
        #expect(run(ADWIN(delta: 0.1, clock: 1), values) == viaRule("adwin", ["delta": 0.1, "clock": 1, "max_buckets": 5,
                                                                              "min_window_length": 5, "grace_period": 10], values))
        #expect(run(PageHinkley(threshold: 10, mode: .up), values)
                == viaRule("page_hinkley", ["min_instances": 30, "delta": 0.005, "threshold": 10, "alpha": 1 - 0.0001],
                           values, mode: "up"))
        #expect(run(DDM(), binary) == viaRule("ddm", ["warm_start": 30, "warning_threshold": 2, "drift_threshold": 3], binary))
        #expect(run(EDDM(), binary) == viaRule("eddm", ["warm_start": 30, "alpha": 0.95, "beta": 0.9], binary))
        #expect(run(HDDMA(twoSidedTest: true), binary)
                == viaRule("hddm_a", ["drift_confidence": 0.001, "warning_confidence": 0.005, "two_sided_test": 1], binary))
        #expect(run(HDDMW(), binary)
                == viaRule("hddm_w", ["drift_confidence": 0.001, "warning_confidence": 0.005, "lambda_val": 0.05,
                                      "two_sided_test": 0], binary))
        #expect(run(KSWIN(seed: 3), values)
                == viaRule("kswin", ["alpha": 0.005, "window_size": 100, "stat_size": 30, "seed": 3], values))
    }

    @Test("a rule's detector is refused for an unknown kind or parameters River rejects")
    func invalidRuleDetectorsAreRefused() {
        let adwin: [String: Double] = ["delta": 0.002, "clock": 32, "max_buckets": 5, "min_window_length": 5, "grace_period": 10]
        #expect(AnyConceptDriftDetector(kind: "adwin", parameters: adwin, mode: nil) != nil)
        #expect(AnyConceptDriftDetector(kind: "adwin2", parameters: adwin, mode: nil) == nil)
        #expect(AnyConceptDriftDetector(kind: "adwin", parameters: adwin.merging(["clock": 2.5]) { $1 }, mode: nil) == nil)
        #expect(AnyConceptDriftDetector(kind: "adwin", parameters: adwin.merging(["clock": 1e12]) { $1 }, mode: nil) == nil)
        #expect(AnyConceptDriftDetector(kind: "adwin", parameters: adwin.filter { $0.key != "delta" }, mode: nil) == nil)
        #expect(AnyConceptDriftDetector(kind: "eddm", parameters: ["warm_start": 30, "alpha": 0.8, "beta": 0.9], mode: nil) == nil)
        #expect(AnyConceptDriftDetector(kind: "kswin", parameters: ["alpha": 0.005, "window_size": 50, "stat_size": 30, "seed": 1],
                                        mode: nil) == nil)
        #expect(AnyConceptDriftDetector(kind: "kswin", parameters: ["alpha": 0.005, "window_size": 100, "stat_size": 30, "seed": -1],
                                        mode: nil) == nil)
        let pageHinkley: [String: Double] = ["min_instances": 30, "delta": 0.005, "threshold": 50, "alpha": 0.9999]
        #expect(AnyConceptDriftDetector(kind: "page_hinkley", parameters: pageHinkley, mode: "sideways") == nil)
        #expect(AnyConceptDriftDetector(kind: "page_hinkley", parameters: pageHinkley, mode: nil)
                == .pageHinkley(PageHinkley(alpha: 0.9999, mode: .both)))
        #expect(AnyConceptDriftDetector(kind: "hddm_a", parameters: ["drift_confidence": 0.001, "warning_confidence": 0.005,
                                                                     "two_sided_test": 2], mode: nil) == nil)
    }
}
