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
        let actual = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportPath)))
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("expected.json")))
        var mismatches: [String] = []
        JSONComparison.compare(expected: expected, actual: actual, path: name, mismatches: &mismatches)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20).joined(separator: "\n"))")
    }
}

/// Compares an expected JSON tree with an actual one: every expected key must be present, numbers
/// agree to 1e-9 (relative or absolute; KS p-values 1e-6), extra actual keys are allowed.
enum JSONComparison {
    static func compare(expected: Any, actual: Any?, path: String, mismatches: inout [String]) {
        switch expected {
        case let object as [String: Any]:
            guard let actualObject = actual as? [String: Any] else {
                mismatches.append("\(path): expected an object, got \(String(describing: actual))")
                return
            }
            for (key, value) in object {
                compare(expected: value, actual: actualObject[key], path: "\(path).\(key)", mismatches: &mismatches)
            }
        case let array as [Any]:
            guard let actualArray = actual as? [Any], actualArray.count == array.count else {
                mismatches.append("\(path): expected \(array.count) elements, got \((actual as? [Any])?.count ?? -1)")
                return
            }
            for (i, value) in array.enumerated() {
                compare(expected: value, actual: actualArray[i], path: "\(path)[\(i)]", mismatches: &mismatches)
            }
        case is NSNull:
            if !(actual is NSNull) { mismatches.append("\(path): expected null, got \(String(describing: actual))") }
        case let number as NSNumber where CFGetTypeID(number) != CFBooleanGetTypeID() || !isBool(number):
            guard let actualNumber = actual as? NSNumber, !isBool(actualNumber) else {
                mismatches.append("\(path): expected \(number), got \(String(describing: actual))")
                return
            }
            let e = number.doubleValue, a = actualNumber.doubleValue
            let tolerance = path.hasSuffix("ks.p_value") ? 1e-6 : 1e-9
            if abs(e - a) > tolerance * max(1, abs(e)) {
                mismatches.append("\(path): expected \(e), got \(a)")
            }
        case let number as NSNumber:
            guard let actualNumber = actual as? NSNumber, isBool(actualNumber), actualNumber.boolValue == number.boolValue else {
                mismatches.append("\(path): expected \(number.boolValue), got \(String(describing: actual))")
                return
            }
        case let text as String:
            if (actual as? String) != text { mismatches.append("\(path): expected \"\(text)\", got \(String(describing: actual))") }
        default:
            mismatches.append("\(path): unexpected expected value \(expected)")
        }
    }

    static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c" || type(of: number) == type(of: NSNumber(value: true))
    }
}
