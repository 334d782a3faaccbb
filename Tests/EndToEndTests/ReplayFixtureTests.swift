import Foundation
import Testing

/// `driftd replay` on generated streams agrees with numpy/scipy/scikit-learn
/// (fixtures and expected reports from scripts/fixtures/gen_replay.py).
struct ReplayFixtureTests {
    static var cases: [String] {
        let folder = DriftdProcess.fixtures.appendingPathComponent("replay").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test func thereAreReplayFixtures() {
        #expect(Self.cases.count >= 5)
    }

    @Test(arguments: cases)
    func replayMatchesTheReference(name: String) throws {
        let folder = DriftdProcess.fixtures.appendingPathComponent("replay/\(name)")
        let output = try DriftdProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: output) }
        let reportPath = output.appendingPathComponent("report.json").path
        let result = try DriftdProcess.run(["replay", folder.appendingPathComponent("rule.json").path, "--report", reportPath, "--quiet"])
        #expect(result.status == 0, "\(result.standardError)")
        let actual = try JSONTree.load(URL(fileURLWithPath: reportPath))
        let expected = try JSONTree.load(folder.appendingPathComponent("expected.json"))
        var mismatches: [String] = []
        JSONComparison.compare(expected: expected, actual: actual, path: name, mismatches: &mismatches)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20).joined(separator: "\n"))")
    }
}

/// A parsed JSON document (JSONDecoder reads numbers exactly; JSONSerialization on Linux does not).
indirect enum JSONTree: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONTree]), object([String: JSONTree])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONTree].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONTree].self)) }
    }

    static func load(_ url: URL) throws -> JSONTree {
        try JSONDecoder().decode(JSONTree.self, from: Data(contentsOf: url))
    }

    subscript(key: String) -> JSONTree? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}

/// Compares an expected JSON tree with an actual one: every expected key must be present, numbers
/// agree to 1e-9 (relative or absolute; KS p-values 1e-6), extra actual keys are allowed.
enum JSONComparison {
    static func compare(expected: JSONTree, actual: JSONTree?, path: String, mismatches: inout [String]) {
        switch (expected, actual) {
        case (.object(let e), .object(let a)?):
            for (key, value) in e { compare(expected: value, actual: a[key], path: "\(path).\(key)", mismatches: &mismatches) }
        case (.array(let e), .array(let a)?) where e.count == a.count:
            for (i, value) in e.enumerated() { compare(expected: value, actual: a[i], path: "\(path)[\(i)]", mismatches: &mismatches) }
        case (.number(let e), .number(let a)?):
            let tolerance = path.hasSuffix("ks.p_value") ? 1e-6 : 1e-9
            if abs(e - a) > tolerance * max(1, abs(e)) { mismatches.append("\(path): expected \(e), got \(a)") }
        case (.null, .null?), (.bool, .bool?), (.string, .string?):
            if expected != actual { mismatches.append("\(path): expected \(expected), got \(String(describing: actual))") }
        default:
            mismatches.append("\(path): expected \(expected), got \(String(describing: actual))")
        }
    }
}
