import DriftRules
import Foundation
import Testing

/// Validation of rule files: what is accepted, and where each error points.
struct RuleLoaderTests {
    static let minimal = """
    {
      "monitor": "taxi",
      "task": "regression",
      "predictions": {"path": "p.jsonl"},
      "reference": {"first": 100},
      "window": {"size": 50},
      "features": {"x": {"type": "numerical", "drift": [{"method": "psi"}, {"method": "ks", "p_value": 0.01}]}}
    }
    """

    func load(_ text: String) -> Result<MonitorRule, DiagnosticList> {
        RuleLoader.load(bytes: Array(text.utf8), path: "r.json")
    }

    func diagnostics(_ text: String) -> [String] {
        switch load(text) {
        case .success: []
        case .failure(let list): list.diagnostics.map(\.description)
        }
    }

    @Test func minimalRuleGetsDefaults() throws {
        let rule = try load(Self.minimal).get()
        #expect(rule.monitor == "taxi")
        #expect(rule.window == .count(size: 50, step: 50))
        #expect(rule.reference == .first(100))
        #expect(rule.features[0].drift[0].threshold == 0.2)
        #expect(rule.features[0].drift[0].bins == 10)
        #expect(rule.features[0].drift[1].threshold == 0.01)
        #expect(rule.predictions.idField == "id")
        #expect(rule.alerts.journald)
    }

    @Test(arguments: [
        ([0xC0, 0xAF], "0xC0"),              // overlong '/'
        ([0xED, 0xA0, 0x80], "0xED"),        // a UTF-16 surrogate
        ([0xF4, 0x90, 0x80, 0x80], "0xF4"),  // above U+10FFFF
        ([0xE2, 0x82], "0xE2"),              // cut short
        ([0xFF], "0xFF"),
    ] as [([UInt8], String)])
    func invalidUTF8IsAnErrorAtItsByte(bytes: [UInt8], lead: String) {
        // In the description, after "é" (2 bytes, 1 column) on line 3: column 24 is the bad byte.
        let text = Array(Self.minimal.utf8.prefix(1)) + Array("\n  \"description\": \"caf\u{e9} ".utf8) + bytes + Array("\",".utf8)
            + Array(Self.minimal.utf8.dropFirst(1))
        switch RuleLoader.load(bytes: text, path: "r.json") {
        case .success: Issue.record("accepted invalid UTF-8")
        case .failure(let list):
            #expect(list.diagnostics.map(\.description) == ["r.json:2:24: error: invalid UTF-8 (byte \(lead)): a rule file must be UTF-8 text"])
        }
    }

    @Test func validMultiByteUTF8IsAccepted() throws {
        let text = Self.minimal.replacingOccurrences(of: "\"task\"", with: "\"description\": \"caf\u{e9} \u{20AC} \u{1F600}\",\n  \"task\"")
        #expect(try load(text).get().description == "caf\u{e9} \u{20AC} \u{1F600}")
    }

    @Test func misspeltKeyPointsAtTheKeyAndSuggests() {
        let text = Self.minimal.replacingOccurrences(of: "{\"method\": \"psi\"}", with: "{\"method\": \"psi\", \"threshhold\": 0.3}")
        #expect(diagnostics(text) == ["r.json:7:71: error: unknown key 'threshhold' in drift method; did you mean 'threshold'?"])
    }

    @Test func everyProblemIsReportedInFileOrder() {
        let text = """
        {"monitor": "bad name!", "task": "regresion",
         "predictions": {"path": ""}, "window": {"size": 0}}
        """
        #expect(diagnostics(text) == [
            "r.json:1:13: error: 'monitor' must start with a letter or digit and contain only letters, digits, '_', '.' and '-' (at most 128 characters), got \"bad name!\"",
            "r.json:1:34: error: 'task' must be one of \"regression\", \"binary_classification\", \"multiclass_classification\", got \"regresion\"; did you mean 'regression'?",
            "r.json:2:26: error: 'path' must not be empty",
            "r.json:2:50: error: 'size' must be an integer of at least 1, got 0",
        ])
    }

    @Test func syntaxErrorPointsAtTheToken() {
        #expect(diagnostics("{\n  \"monitor\": \"a\",\n  \"task\" \"regression\"\n}") == [
            "r.json:3:10: error: unexpected '\"', expected ':' after the key",
        ])
        #expect(diagnostics("{\"a\": 1,}") == ["r.json:1:9: error: trailing comma before '}'"])
        #expect(diagnostics("{\"a\": 1} x") == ["r.json:1:10: error: unexpected 'x', expected the end of the file after the JSON value"])
        #expect(diagnostics("{\"a\": // note\n 1}") == ["r.json:1:7: error: comments are not allowed in JSON"])
        #expect(diagnostics("") == ["r.json:1:1: error: unexpected end of file, expected a value"])
    }

    @Test func columnsCountCharactersNotBytes() {
        #expect(diagnostics("{\"é\": 1, \"monitor\": }") == ["r.json:1:21: error: unexpected '}', expected a value"])
    }

    @Test func missingKeyPointsAtTheObject() {
        #expect(diagnostics("{\"monitor\": \"m\", \"predictions\": {\"path\": \"p\"}, \"window\": {\"size\": 1}}") == [
            "r.json:1:1: error: missing required key 'task' in the rule file",
        ])
    }

    @Test func maxAttemptsAboveThreeIsInvalid() {
        let text = Self.minimal.replacingOccurrences(of: "\"window\"", with: """
        "labels": {"path": "l.jsonl"}, "retrain": {"command": ["/bin/true"], "metric": "rmse", "max_attempts": 4}, "window"
        """)
        #expect(diagnostics(text) == ["r.json:6:106: error: 'max_attempts' must be an integer from 1 to 3, got 4"])
    }

    @Test func webhookOffLoopbackNeedsASecret() {
        func hook(_ url: String, _ extra: String = "") -> [String] {
            diagnostics(Self.minimal.replacingOccurrences(of: "\"window\"", with: "\"alerts\": {\"webhooks\": [{\"url\": \"\(url)\"\(extra)}]}, \"window\""))
        }
        #expect(hook("http://127.0.0.1:9093/api/v2/alerts").isEmpty)
        #expect(hook("http://127.8.9.10/x").isEmpty)
        #expect(hook("http://localhost:8080").isEmpty)
        #expect(hook("http://[::1]:9093/").isEmpty)
        #expect(hook("https://hooks.example.com/x", ", \"secret_file\": \"/etc/driftd/s\"").isEmpty)
        #expect(hook("https://hooks.example.com/x").first?.contains("needs a 'secret_file' or 'credential'") == true)
        #expect(hook("http://127.0.0.1.evil.com/").first?.contains("non-loopback host '127.0.0.1.evil.com'") == true)
        #expect(hook("ftp://127.0.0.1/").first?.contains("must be an http:// or https:// URL") == true)
    }

    @Test func methodsMustFitTheFeatureType() {
        let text = Self.minimal.replacingOccurrences(of: "\"numerical\"", with: "\"categorical\"")
        let found = diagnostics(text)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("r.json:7:85: error: method 'ks' does not apply to a categorical feature") == true)
    }

    @Test func dataDriftNeedsAReference() {
        let text = Self.minimal.replacingOccurrences(of: "\"reference\": {\"first\": 100},", with: "")
        #expect(diagnostics(text) == ["r.json:1:1: error: missing required key 'reference': data drift tests need reference data"])
    }

    @Test func durationsParse() {
        #expect(DurationParser.seconds("90s") == 90)
        #expect(DurationParser.seconds("30m") == 1800)
        #expect(DurationParser.seconds("6h") == 21600)
        #expect(DurationParser.seconds("7d") == 604_800)
        #expect(DurationParser.seconds("500ms") == 0.5)
        for bad in ["", "h", "0s", "-5m", "1.5h", "5 m", "5M", "99999999999999s", "1e3s"] {
            #expect(DurationParser.seconds(bad) == nil, "\(bad)")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 100_000)
        #expect(diagnostics(text).first?.contains("nesting is deeper than") == true)
    }

    @Test func unreadableFilesAreDiagnosed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("driftd-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let link = folder.appendingPathComponent("zero.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/zero")
        guard case .failure(let list) = RuleLoader.load(path: link) else { Issue.record("accepted /dev/zero"); return }
        #expect(list.description.contains("larger than 1024 KiB"))
        guard case .failure(let missing) = RuleLoader.load(path: folder.appendingPathComponent("none.json").path) else { return }
        #expect(missing.description.hasSuffix("none.json:1:1: error: cannot read the rule file: no such file"))
    }
}

/// The issue-3 keys: automatic thresholds, corrections, dataset drift, data-quality bounds.
struct CalibrationRuleTests {
    func diagnostics(_ text: String) -> [String] {
        switch RuleLoader.load(bytes: Array(text.utf8), path: "r.json") {
        case .success: []
        case .failure(let list): list.diagnostics.map(\.description)
        }
    }

    static func rule(window: String = #"{"size": 100}"#, drift: String = #"[{"method": "psi", "threshold": "auto"}]"#, extra: String = "") -> String {
        #"{"monitor": "m", "task": "regression", "predictions": {"path": "p"}, "reference": {"first": 1000}, "window": "#
            + window + #", "features": {"x": {"type": "numerical", "drift": "# + drift + "}}" + extra + "}"
    }

    @Test func autoThresholdsAndTheNewSectionsParse() throws {
        let text = Self.rule(extra: #", "correction": "holm", "dataset_drift": {"share": 0.5}, "data_quality": {"missing_rate": 0.1}"#)
        let rule = try RuleLoader.load(bytes: Array(text.utf8), path: "r.json").get()
        #expect(rule.features[0].drift[0].automaticThreshold)
        #expect(rule.correction == .holm)
        #expect(rule.datasetDriftShare == 0.5)
        #expect(rule.features[0].quality.missingRate == 0.1)
    }

    @Test func autoNeedsACountWindow() {
        #expect(diagnostics(Self.rule(window: #"{"duration": "1h"}"#)).first?.contains("'threshold': \"auto\" needs a count window") == true)
    }

    @Test func aThresholdWordOtherThanAutoIsNamed() {
        #expect(diagnostics(Self.rule(drift: #"[{"method": "psi", "threshold": "atuo"}]"#)).first?.hasSuffix("'threshold' must be a number or \"auto\", got \"atuo\"; did you mean 'auto'?") == true)
    }

    @Test func effectSizeGuardsApplyToPValueTests() {
        #expect(diagnostics(Self.rule(drift: #"[{"method": "ks", "min_statistic": 0.1}]"#)).isEmpty)
        #expect(diagnostics(Self.rule(drift: #"[{"method": "psi", "min_statistic": 0.1}]"#)).first?.contains("'min_statistic' applies only to 'ks'") == true)
    }

    @Test func qualityBoundsAreRatesThatFitTheType() {
        #expect(diagnostics(Self.rule(extra: #", "data_quality": {"missing_rate": 1.5}"#)).first?.contains("'missing_rate' must be between 0 and 1, got 1.5") == true)
        let categorical = #"{"monitor": "m", "task": "regression", "predictions": {"path": "p"}, "window": {"size": 5}, "features": {"c": {"type": "categorical", "data_quality": {"out_of_range_rate": 0.1}}}}"#
        #expect(diagnostics(categorical).first?.contains("'out_of_range_rate' applies to numerical features") == true)
        #expect(diagnostics(Self.rule(extra: #", "correction": "bh""#)).first?.contains("'correction' must be one of") == true)
    }
}
