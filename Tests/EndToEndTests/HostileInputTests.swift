import Foundation
import Testing

/// Hostile input (issue 8): each gets a clear error or is counted and skipped, and nothing stops.
@Suite(.serialized) struct HostileInputTests {
    /// Normal records around hostile lines: a 100 MB line, 200,000 nested brackets, invalid UTF-8 in an
    /// id, NaN and Infinity spellings, 1e400, an id of 1 MB and a lone surrogate escape.
    static func writeStreams(in folder: URL) throws {
        var lines: [Data] = []
        func record(_ i: Int) -> Data { Data("{\"id\":\"r\(i)\",\"features\":{\"x\":\(i % 4),\"c\":\"c\(i % 3)\"},\"prediction\":1.0}".utf8) }
        for i in 0..<6 { lines.append(record(i)) }
        lines.append(Data("{\"id\":\"big\",\"features\":{\"x\":\"".utf8) + Data(repeating: UInt8(ascii: "A"), count: 100 << 20) + Data("\"},\"prediction\":1}".utf8))
        lines.append(Data(repeating: UInt8(ascii: "["), count: 200_000))
        lines.append(Data("{\"id\":\"bad".utf8) + Data([0xFF, 0xFE]) + Data("\",\"features\":{\"x\":1},\"prediction\":1}".utf8))
        lines.append(Data("{\"id\":\"nan\",\"features\":{\"x\":NaN},\"prediction\":Infinity}".utf8))
        lines.append(Data("{\"id\":\"inf\",\"features\":{\"x\":-Infinity},\"prediction\":1e400}".utf8))
        lines.append(Data("{\"id\":\"".utf8) + Data(repeating: UInt8(ascii: "i"), count: 1 << 20) + Data("\",\"features\":{\"x\":1},\"prediction\":1}".utf8))
        lines.append(Data("{\"id\":\"e\",\"features\":{\"x\":1e400,\"c\":\"\\ud800\"},\"prediction\":-1e400}".utf8))
        for i in 6..<12 { lines.append(record(i)) }
        var predictions = Data()
        for line in lines { predictions += line + Data([0x0A]) }
        try predictions.write(to: folder.appendingPathComponent("p.jsonl"))
        let labels = (0..<12).map { "{\"id\":\"r\($0)\",\"label\":2.0}" } + ["{\"id\":\"nan\",\"label\":NaN}"]
        try Data((labels.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("l.jsonl"))
        try """
        {"monitor": "hostile", "task": "regression",
         "predictions": {"path": "\(folder.path)/p.jsonl"}, "labels": {"path": "\(folder.path)/l.jsonl", "max_delay": "1s"},
         "reference": {"first": 3}, "window": {"size": 3},
         "features": {"x": {"type": "numerical", "drift": [{"method": "psi", "bins": 2}]},
                      "c": {"type": "categorical", "drift": [{"method": "chi2"}]}},
         "performance": [{"metric": "rmse"}]}
        """.write(to: folder.appendingPathComponent("rules/hostile.json"), atomically: true, encoding: .utf8)
    }

    static func counts(_ report: URL) throws -> [String: Int] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any]
        return (object?["counts"] as? [String: Int]) ?? [:]
    }

    @Test func replayCountsHostileLinesAndGoesOn() throws {
        let folder = try DriftdProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try Self.writeStreams(in: folder)
        let report = folder.appendingPathComponent("report.json")
        let result = try DriftdProcess.run(["replay", folder.appendingPathComponent("rules/hostile.json").path, "--report", report.path])
        #expect(result.status == 0, "\(result.standardError)")
        let counts = try Self.counts(report)
        // The 100 MB line and the nested brackets are malformed prediction lines; the NaN label is a malformed label.
        #expect(counts["malformed_lines"] == 3, "\(counts)")
        #expect(counts["records"] == 17, "12 plain records and the 5 odd but readable ones: \(counts)")
        #expect(result.standardOutput.contains("p.jsonl:7: line of 104857") && result.standardOutput.contains("longer than"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("p.jsonl:8: not a JSON object"), "\(result.standardOutput)")
        let windows = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any]
        #expect((windows?["windows"] as? [Any])?.count == 4)
    }

    @Test func theDaemonCountsHostileLinesAndKeepsRunning() throws {
        let folder = try DriftdProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try Self.writeStreams(in: folder)
        let state = folder.appendingPathComponent("state")
        let daemon = try DaemonTests.Daemon(rules: folder.appendingPathComponent("rules"), state: state, log: folder.appendingPathComponent("log"))
        defer { daemon.stop() }
        let report = folder.appendingPathComponent("stored.json")
        let done = DaemonTests.wait(seconds: 60) {
            guard (try? DriftdProcess.run(["report", "--monitor", "hostile", "--state", state.path, "--json", report.path]))?.status == 0 else { return false }
            return (try? Self.counts(report))?["records"] == 17
        }
        #expect(done, "\(daemon.logTail)")
        let counts = try Self.counts(report)
        #expect(counts["malformed_lines"] == 3, "\(counts)")
        #expect(daemon.process.isRunning)
    }

    @Test func checkRejectsHostileRuleFilesWithAPosition() throws {
        let folder = try DriftdProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        func file(_ name: String, _ data: Data) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try data.write(to: URL(fileURLWithPath: path))
            return path
        }
        let zero = folder.appendingPathComponent("zero.json").path
        try FileManager.default.createSymbolicLink(atPath: zero, withDestinationPath: "/dev/zero")
        let directory = folder.appendingPathComponent("folder.json").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let cases: [(String, String)] = [
            (zero, "larger than"),
            (directory, "is a directory"),
            (try file("nested.json", Data(repeating: UInt8(ascii: "["), count: 100_000)), "nesting is deeper"),
            (try file("utf8.json", Data("{\"monitor\": \"a".utf8) + Data([0xC3, 0x28]) + Data("\"}".utf8)), ":1:15: error: invalid UTF-8 (byte 0xC3)"),
            (try file("empty.json", Data()), "unexpected end of file"),
            (try file("huge-number.json", Data("{\"monitor\": \"m\", \"window\": {\"size\": 1e400}}".utf8)), "1e400 is out of range"),
        ]
        for (path, expected) in cases {
            let result = try DriftdProcess.run(["check", path])
            #expect(result.status == 1, "\(path)")
            let line = result.standardOutput.split(separator: "\n").first.map(String.init) ?? ""
            #expect(line.hasPrefix(path + ":") && line.contains(": error: ") && line.contains(expected), "\(path): \(result.standardOutput)")
        }
    }
}
