@testable import DriftEngine
import DriftRules
import Foundation
import Testing

/// The record hot path: what is a record, what is missing, what is malformed.
struct RecordParserTests {
    static let rule: MonitorRule = {
        let text = """
        {"monitor": "m", "task": "binary_classification", "predictions": {"path": "p"}, "labels": {"path": "l"},
         "window": {"size": 10},
         "features": {"x": {"type": "numerical"}, "c": {"type": "categorical"}, "é \\"q\\"": {"type": "numerical"}}}
        """
        return try! RuleLoader.load(bytes: Array(text.utf8), path: "r.json").get()
    }()

    final class Harness {
        let parser: RecordParser
        let columns: RecordColumns
        init() {
            let layout = RecordLayout(rule: RecordParserTests.rule)
            parser = RecordParser(layout: layout, categories: [CategoryDictionary()], classes: CategoryDictionary())
            columns = RecordColumns(numericalCount: 2, categoricalCount: 1)
        }

        /// Parses a line; returns the malformed reason, or nil after storing the record.
        func parse(_ line: String) -> String? {
            let bytes = Array(line.utf8)
            let reason = bytes.withUnsafeBufferPointer { parser.parsePrediction($0) }
            if reason == nil { parser.commitPrediction(to: columns, streamIndex: columns.count) }
            return reason
        }

        func label(_ line: String) -> Result<RecordParser.Label, LineError> {
            Array(line.utf8).withUnsafeBufferPointer { parser.parseLabel($0) }
        }
    }

    @Test func aFullRecordGoesIntoColumns() {
        let h = Harness()
        #expect(h.parse(#"{"id":"p-1","ts":"2026-11-22T10:00:00.250Z","features":{"x":3.5,"c":"card","é \"q\"":-2e3},"prediction":1,"score":0.87}"#) == nil)
        #expect(h.columns.ids == ["p-1"])
        #expect(h.columns.timestamps == [1_795_341_600.25])
        #expect(h.columns.numerical[0] == [3.5])
        #expect(h.columns.numerical[1] == [-2000])
        #expect(h.parser.categories[0].names[Int(h.columns.categorical[0][0])] == "card")
        #expect(h.parser.classes.names[Int(h.columns.predictedClass[0])] == "1")
        #expect(h.columns.score == [0.87])
    }

    @Test(arguments: [
        "", "   ", "[1,2]", "\"text\"", "42", "null", "{", "{\"id\":\"a\"", "{\"id\":\"a\",}", "{\"id\":\"a\"} x",
        "{\"id\":\"a\" \"b\":1}", "{\"features\":{\"x\":1}}", "{\"id\":null}", "{\"id\":true}", "{\"id\":{}}",
        "{\"id\":\"a\",\"features\":{\"x\":01}}", "{\"id\":\"a\",\"x\":tru}", "{\"id\":\"a\\q\"}", "{\"id\":\"a\u{01}\"}",
        "{\"id\":\"a\",\"x\":[1,2,}", "{\"id\":\"a\",\"x\":1.}", "{\"id\":\"a\",\"x\":-}", "{'id':'a'}",
    ])
    func malformedLinesAreRejected(line: String) {
        let h = Harness()
        #expect(h.parse(line) != nil)
        #expect(h.columns.count == 0)
    }

    @Test func wrongKindsAreMissingValuesNotMalformed() {
        let h = Harness()
        for value in ["null", "\"NaN\"", "\"\"", "true", "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "[1]", "{\"a\":1}"] {
            #expect(h.parse("{\"id\":\"a\",\"features\":{\"x\":\(value),\"c\":null}}") == nil, "\(value)")
        }
        #expect(h.parse("{\"id\":\"a\"}") == nil)
        #expect(h.columns.numerical[0].allSatisfy { $0.isNaN })
        #expect(h.columns.categorical[0].allSatisfy { $0 == -1 })
        #expect(h.columns.count == 12)
    }

    @Test func categoriesAcceptNumbersAndBooleansCanonically() {
        let h = Harness()
        for value in ["1", "1.0", "1e0", "true", "\"1\"", "2.5"] {
            #expect(h.parse("{\"id\":7,\"features\":{\"c\":\(value)}}") == nil)
        }
        let names = h.columns.categorical[0].map { h.parser.categories[0].names[Int($0)] }
        #expect(names == ["1", "1", "1", "true", "1", "2.5"])
        #expect(h.columns.ids.allSatisfy { $0 == "7" })
    }

    @Test func laterDuplicateKeysWinAndUnknownFieldsAreSkipped() {
        let h = Harness()
        #expect(h.parse(#"{"id":"a","extra":{"deep":[1,{"x":[]}]},"features":{"x":1,"x":2,"other":"z"},"id":"b"}"#) == nil)
        #expect(h.columns.ids == ["b"])
        #expect(h.columns.numerical[0] == [2])
    }

    @Test func escapesAreDecoded() {
        let h = Harness()
        #expect(h.parse(#"{"\u0069d":"a\u00e9\n\ud83d\ude00","features":{"c":"x\"y"}}"#) == nil)
        #expect(h.columns.ids == ["aé\n😀"])
        #expect(h.parser.categories[0].names == ["x\"y"])
    }

    @Test func carriageReturnsAndWhitespaceAreAllowed() {
        let h = Harness()
        #expect(h.parse(" { \"id\" : \"a\" , \"features\" : { \"x\" : 1 } } \r") == nil)
        #expect(h.columns.numerical[0] == [1])
    }

    @Test func deepNestingIsMalformedNotACrash() {
        let h = Harness()
        let deep = "{\"id\":\"a\",\"x\":" + String(repeating: "[", count: 100_000) + "}"
        #expect(h.parse(deep)?.contains("nesting") == true)
    }

    @Test func numbersParseExactly() {
        // The fast path must agree with correctly rounded parsing (Double(String)) on every input.
        var generator = SystemRandomNumberGenerator()
        let h = Harness()
        var texts: [String] = ["0", "-0", "0.1", "0.3", "1e22", "1e23", "9007199254740993", "123456789012345678901234",
                               "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308", "0.000001", "1E-7", "5e-1"]
        for _ in 0..<5000 {
            let digits = String((0..<Int.random(in: 1...20, using: &generator)).map { _ in "0123456789".randomElement(using: &generator)! })
            let integer = digits.drop { $0 == "0" }
            var text = integer.isEmpty ? "0" : String(integer)
            if Bool.random(using: &generator) { text += "." + String(Int.random(in: 0...99999, using: &generator)) }
            if Bool.random(using: &generator) { text += "e" + String(Int.random(in: -40...40, using: &generator)) }
            texts.append(Bool.random(using: &generator) ? "-" + text : text)
        }
        for text in texts {
            #expect(h.parse("{\"id\":\"a\",\"features\":{\"x\":\(text)}}") == nil, "\(text)")
        }
        for (text, parsed) in zip(texts, h.columns.numerical[0]) {
            #expect(parsed.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
    }

    @Test func labelsNeedAnIdAndAUsableValue() throws {
        let h = Harness()
        let good = try h.label(#"{"id":"a","ts":"x","label":true}"#).get()
        #expect(good.id == "a")
        #expect(h.parser.classes.names[Int(good.classID)] == "1")
        #expect(throws: LineError.self) { try h.label(#"{"label":1}"#).get() }
        #expect(throws: LineError.self) { try h.label(#"{"id":"a","label":null}"#).get() }
        #expect(throws: LineError.self) { try h.label(#"{"id":"a"}"#).get() }
        #expect(throws: LineError.self) { try h.label(#"{"id":"a","label":1"#).get() }
    }
}
