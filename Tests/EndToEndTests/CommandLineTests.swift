import Foundation
import Testing

/// `driftd check` and `driftd replay` as a user runs them: exit codes, output, files.
struct CommandLineTests {
    static let rulesFolder = DriftdProcess.repository.appendingPathComponent("rules")

    @Test func everyExampleRuleFileIsValid() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.rulesFolder.path)
            .filter { $0.hasSuffix(".json") && $0 != "schema.json" }
        #expect(names.count >= 3)
        let result = try DriftdProcess.run(["check"] + names.map { Self.rulesFolder.appendingPathComponent($0).path })
        #expect(result.status == 0, "\(result.standardOutput)")
        #expect(result.standardOutput.isEmpty)
    }

    @Test func checkReportsEveryFileAndExitsOne() throws {
        let bad = DriftdProcess.fixtures.appendingPathComponent("rules/bad")
        let result = try DriftdProcess.run(["check", "bad/task-typo.json", "../../../rules/churn.json", "bad/max-attempts-4.json"],
                                           in: bad.deletingLastPathComponent().path)
        #expect(result.status == 1)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("bad/task-typo.json:3:11: error: 'task' must be one of"))
        #expect(lines[1].hasPrefix("bad/max-attempts-4.json:8:75: error: 'max_attempts'"))
    }

    /// A rule over files in a temporary folder.
    func folder(rule: String, predictions: String, labels: String? = nil) throws -> URL {
        let folder = try DriftdProcess.temporaryDirectory()
        try rule.write(to: folder.appendingPathComponent("rule.json"), atomically: true, encoding: .utf8)
        try predictions.write(to: folder.appendingPathComponent("predictions.jsonl"), atomically: true, encoding: .utf8)
        if let labels { try labels.write(to: folder.appendingPathComponent("labels.jsonl"), atomically: true, encoding: .utf8) }
        return folder
    }

    static let rule = """
    {"monitor": "m", "task": "regression", "predictions": {"path": "predictions*.jsonl"},
     "reference": {"first": 2}, "window": {"size": 2},
     "features": {"x": {"type": "numerical", "drift": [{"method": "psi", "bins": 2}]}}}
    """

    static func lines(_ values: [Double], prefix: String = "p") -> String {
        values.enumerated().map { "{\"id\":\"\(prefix)\($0.offset)\",\"features\":{\"x\":\($0.element)}}\n" }.joined()
    }

    func report(_ folder: URL, _ extra: [String] = []) throws -> (DriftdProcess.Output, JSONTree?) {
        let path = folder.appendingPathComponent("report.json").path
        let result = try DriftdProcess.run(["replay", folder.appendingPathComponent("rule.json").path, "--report", path] + extra)
        return (result, try? JSONTree.load(URL(fileURLWithPath: path)))
    }

    @Test func replayReadsGlobbedFilesOldestFirstAndALastLineWithoutNewline() throws {
        let folder = try self.folder(rule: Self.rule, predictions: Self.lines([1, 2]))
        defer { try? FileManager.default.removeItem(at: folder) }
        // A rotated file is older than the live one: its records come first.
        let rotated = folder.appendingPathComponent("predictions.jsonl")
        let live = folder.appendingPathComponent("predictions-live.jsonl")
        try (Self.lines([3, 4], prefix: "q") + "{\"id\":\"q9\",\"features\":{\"x\":5}}").write(to: live, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: rotated.path)
        let (result, report) = try self.report(folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(report?["counts"]?["records"] == .number(5))
        #expect(report?["reference"]?["count"] == .number(2))
        guard case .array(let windows)? = report?["windows"] else { Issue.record("no windows"); return }
        #expect(windows.count == 1)
        #expect(windows.first?["first_record"] == .number(2))
    }

    @Test func malformedLinesAreCountedWithTheirLineNumbers() throws {
        let predictions = Self.lines([1, 2]) + "{\"id\": \"p9\", broken\n\n[1]\n" + Self.lines([3, 4], prefix: "q")
        let folder = try self.folder(rule: Self.rule, predictions: predictions)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, report) = try self.report(folder)
        #expect(result.status == 0)
        #expect(report?["counts"]?["malformed_lines"] == .number(3))
        guard case .array(let malformed)? = report?["malformed"] else { Issue.record("no malformed list"); return }
        #expect(malformed.map { $0["line"] } == [.number(3), .number(4), .number(5)])
        #expect(result.standardOutput.contains("predictions.jsonl:3: invalid JSON"))
    }

    @Test func invalidRulesExitOneWithDiagnosticsOnStandardError() throws {
        let folder = try self.folder(rule: "{\"monitor\": 1}", predictions: "")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, report) = try self.report(folder)
        #expect(result.status == 1)
        #expect(report == nil)
        #expect(result.standardError.contains("rule.json:1:13: error: 'monitor' must be a string, got a number"))
    }

    @Test func unreadableInputExitsOne() throws {
        let folder = try self.folder(rule: Self.rule, predictions: "")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, _) = try self.report(folder, ["--predictions", folder.appendingPathComponent("nothing-*.jsonl").path])
        #expect(result.status == 1)
        #expect(result.standardError.contains("no predictions file matches"))
    }

    @Test func overridesReplaceTheRuleFilesPaths() throws {
        let folder = try self.folder(rule: Self.rule, predictions: Self.lines([1, 2, 3, 4]))
        defer { try? FileManager.default.removeItem(at: folder) }
        let other = folder.appendingPathComponent("other.jsonl")
        try Self.lines([1, 2, 3, 4, 5, 6]).write(to: other, atomically: true, encoding: .utf8)
        let (result, report) = try self.report(folder, ["--predictions", other.path, "--quiet"])
        #expect(result.status == 0)
        #expect(result.standardOutput.isEmpty)
        #expect(report?["counts"]?["records"] == .number(6))
    }

    @Test func theSampleStreamsShowTheirDrift() throws {
        let output = try DriftdProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: output) }
        let taxiPath = output.appendingPathComponent("taxi.json").path
        let taxi = try DriftdProcess.run(["replay", Self.rulesFolder.appendingPathComponent("taxi-duration.json").path, "--report", taxiPath])
        #expect(taxi.status == 0)
        let report = try JSONTree.load(URL(fileURLWithPath: taxiPath))
        guard case .array(let windows)? = report["windows"] else { Issue.record("no windows"); return }
        // The covariate shift starts at record 7000 (window 3): no PSI drift before, drift after.
        let drifted = windows.map { $0["features"]?["trip_distance"]?["psi"]?["drift"] == .bool(true) }
        #expect(drifted == [false, false, false, true, true, true])
        #expect(taxi.standardOutput.contains("performance_degraded: taxi-duration: rmse"))

        let churnPath = output.appendingPathComponent("churn.json").path
        #expect(try DriftdProcess.run(["replay", Self.rulesFolder.appendingPathComponent("churn.json").path, "--report", churnPath, "--quiet"]).status == 0)
        let churn = try JSONTree.load(URL(fileURLWithPath: churnPath))
        guard case .array(let churnWindows)? = churn["windows"],
              case .number(let first)? = churnWindows.first?["performance"]?["f1"],
              case .number(let last)? = churnWindows.last?["performance"]?["f1"] else { Issue.record("no f1"); return }
        #expect(first > 0.7)
        #expect(last < 0.55)
    }
}
