import DriftRules
import Foundation
import Testing

/// Every `Tests/Fixtures/rules/bad/NAME.json` gives exactly the diagnostics in `NAME.diagnostics`
/// (golden files; regenerate one with `driftd check bad/NAME.json` from `Tests/Fixtures/rules`,
/// after reading it).
struct GoldenDiagnosticsTests {
    static let rulesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/rules")

    static var badFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: rulesFolder.appendingPathComponent("bad").path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test func thereAreGoldenFiles() {
        #expect(Self.badFiles.count >= 8)
    }

    @Test(arguments: badFiles)
    func badRuleFileGivesItsGoldenDiagnostics(name: String) throws {
        let folder = Self.rulesFolder.path
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(folder)/bad/\(name)")))
        let golden = try String(contentsOfFile: "\(folder)/bad/\(name.dropLast(5)).diagnostics", encoding: .utf8)
        guard case .failure(let list) = RuleLoader.load(bytes: bytes, path: "bad/\(name)") else {
            Issue.record("\(name) was accepted")
            return
        }
        #expect(list.description + "\n" == golden)
    }
}
