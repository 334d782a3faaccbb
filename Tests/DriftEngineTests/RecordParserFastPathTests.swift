@testable import DriftEngine
import DriftRules
import Glibc
import Synchronization
import Testing

/// The record parser's fast path against the straightforward one (`parsePredictionStraightforward`):
/// the same verdict, reason, values (bit for bit) and category ids on random and adversarial lines,
/// each placed just before an unreadable page so that any read past the line's end crashes.
struct RecordParserFastPathTests {
    /// A seeded generator (SplitMix64), so a failure can be replayed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func rule(_ text: String) -> MonitorRule {
        try! RuleLoader.load(bytes: Array(text.utf8), path: "r.json").get()
    }

    /// Classification, default field names, a feature name with an escaped quote and non-ASCII bytes.
    static let classificationRule = rule("""
        {"monitor": "m", "task": "binary_classification", "predictions": {"path": "p"}, "window": {"size": 10},
         "features": {"x": {"type": "numerical"}, "c": {"type": "categorical"}, "é \\"q\\"": {"type": "numerical"},
                      "eight_ch": {"type": "categorical"}, "nine_char": {"type": "numerical"}}}
        """)

    /// Regression, renamed fields, and a feature name too long for a key prediction.
    static let regressionRule = rule("""
        {"monitor": "m", "task": "regression",
         "predictions": {"path": "p", "id": "uid", "timestamp": "time", "features": "f", "prediction": "y", "score": "s"},
         "window": {"size": 10},
         "features": {"x": {"type": "numerical"}, "c": {"type": "categorical"},
                      "\(String(repeating: "long", count: 20))": {"type": "numerical"}}}
        """)

    /// Runs both paths over each line (each in its own parser and dictionaries) and compares.
    final class Comparison {
        let fast: RecordParser
        let reference: RecordParser
        var accepted = 0
        var rejected = 0

        init(rule: MonitorRule) {
            let layout = RecordLayout(rule: rule)
            fast = RecordParser(layout: layout, categories: (0..<layout.categoricalCount).map { _ in CategoryDictionary() },
                                classes: CategoryDictionary())
            reference = RecordParser(layout: layout, categories: (0..<layout.categoricalCount).map { _ in CategoryDictionary() },
                                     classes: CategoryDictionary())
        }

        func check(_ line: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            let (fastReason, expectedReason) = Self.atPageEnd(line) { bytes in
                (fast.parsePrediction(bytes), reference.parsePredictionStraightforward(bytes))
            }
            let text = String(decoding: line, as: UTF8.self)
            #expect(fastReason == expectedReason, "\(text)", sourceLocation: sourceLocation)
            if expectedReason == nil { accepted += 1 } else { rejected += 1 }
            guard fastReason == nil, expectedReason == nil else { return }
            let a = fast.row
            let b = reference.row
            #expect(a.id == b.id, "\(text)", sourceLocation: sourceLocation)
            #expect(a.timestamp.bitPattern == b.timestamp.bitPattern, "\(text)", sourceLocation: sourceLocation)
            #expect(a.prediction.bitPattern == b.prediction.bitPattern, "\(text)", sourceLocation: sourceLocation)
            #expect(a.predictedClass == b.predictedClass, "\(text)", sourceLocation: sourceLocation)
            #expect(a.score.bitPattern == b.score.bitPattern, "\(text)", sourceLocation: sourceLocation)
            #expect(a.numerical.map(\.bitPattern) == b.numerical.map(\.bitPattern), "\(text)", sourceLocation: sourceLocation)
            #expect(Array(a.categorical) == Array(b.categorical), "\(text)", sourceLocation: sourceLocation)
        }

        /// The dictionaries grew the same way (same texts, same ids).
        func checkDictionaries(sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            #expect(fast.classes.names == reference.classes.names, sourceLocation: sourceLocation)
            for (a, b) in zip(fast.categories, reference.categories) {
                #expect(a.names == b.names, sourceLocation: sourceLocation)
            }
        }

        /// Calls `body` with a copy of `line` that ends where an unreadable page starts.
        static func atPageEnd<T>(_ line: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
            let page = GuardedPage.take(for: line.count)
            defer { GuardedPage.give(page) }
            let start = page.end - line.count
            if !line.isEmpty { line.withUnsafeBufferPointer { start.update(from: $0.baseAddress!, count: line.count) } }
            return body(UnsafeBufferPointer(start: start, count: line.count))
        }
    }

    /// Memory followed by an unreadable page (mapped once, then reused from a pool: tests run in parallel).
    final class GuardedPage: @unchecked Sendable {
        let capacity: Int
        let mapping: UnsafeMutableRawPointer
        let size: Int
        /// Where the readable part ends.
        var end: UnsafeMutablePointer<UInt8> { (mapping + capacity).assumingMemoryBound(to: UInt8.self) }

        init(capacity requested: Int) {
            let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
            capacity = max(pageSize, (requested + pageSize - 1) / pageSize * pageSize)
            size = capacity + pageSize
            mapping = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
            precondition(mapping != MAP_FAILED)
            precondition(mprotect(mapping + capacity, pageSize, PROT_NONE) == 0)
        }

        deinit { munmap(mapping, size) }

        private static let pool = Mutex<[GuardedPage]>([])

        static func take(for count: Int) -> GuardedPage {
            let reused = pool.withLock { pages -> GuardedPage? in
                guard let index = pages.firstIndex(where: { $0.capacity >= count }) else { return nil }
                return pages.remove(at: index)
            }
            return reused ?? GuardedPage(capacity: max(count, 1 << 16))
        }

        static func give(_ page: GuardedPage) {
            pool.withLock { $0.append(page) }
        }
    }

    // MARK: Random lines

    /// Builds lines from the rule's own keys and adversarial values; records come in runs of one shape.
    struct LineGenerator {
        var random: SplitMix64
        let topKeys: [String]
        let featureKeys: [String]

        mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

        static let numbers = [
            "0", "-0", "1", "-1", "0.5", "0.0012", "-0.9499", "6.421", "12", "100000000", "12345678", "123456789",
            "1234567890123456789", "12345678901234567890", "9007199254740992", "9007199254740993", "9007199254740993.0",
            "0.30000000000000004", "1e22", "1e23", "1E-7", "5e-1", "1e-05", "2.2250738585072014e-308", "4.9e-324",
            "2e-324", "1.7976931348623157e308", "1.8e308", "1e400", "-1e400", "1e-400", "0e500", "0.000000000000000000001",
            "123456789.12345678", "0.1234567890123456789",
            "1.0e+2", "1E+02", "-0.0", "99999999999999999999999999", "3.141592653589793238462643383279",
        ]
        static let strings = [
            "", "card", "cash", "no_charge", "133", "7", "1", "true", "a\\\"b", "\\u00e9", "é", "e\u{301}", "K", "\\u212A",
            "\u{212A}", "\\ud83d\\ude00", "\\ud83d", "😀", "\\/\\b\\f\\n\\r\\t\\\\", "seven77", "eight888", "nine99999",
            "fifteen15151515", "sixteen161616161", "seventeen17171717", String(repeating: "long", count: 10),
            "2026-11-22T10:00:00.123Z", "2026-11-22T10:00:00Z",
            "2026-11-22T12:30:00+02:30", "2026-02-30T00:00:00Z", "2026-11-22T10:00:00.Z", "\\u0032026-11-22T10:00:00Z",
        ]
        static let literals = ["true", "false", "null", "NaN", "Infinity", "-Infinity"]
        static let composites = [
            "[]", "{}", "[1,[2,{\"a\":[]}]]", "{\"x\":1,\"c\":\"z\"}", "[\"\\u00e9\", -0.5e3]", "[ 1 , { } ]",
            String(repeating: "[", count: 127) + String(repeating: "]", count: 127),
            String(repeating: "[", count: 128) + String(repeating: "]", count: 128),
            String(repeating: "[", count: 129) + String(repeating: "]", count: 129),
            String(repeating: "{\"a\":", count: 128) + "1" + String(repeating: "}", count: 128),
        ]
        /// Invalid values (each makes the line malformed).
        static let invalid = [
            "00", "01", "-", "1.", ".5", "1e", "1e+", "+1", "1.5.3", "0x10", "-01", "1.e5", "\"\\q\"", "\"\\u12\"",
            "\"\\u12G4\"", "\"\u{01}\"", "\"tab\there\"", "tru", "nul", "nan", "-Inf", "-I", "[1,]", "{\"a\"}", "[1 2]",
            "\"unterminated",
        ]
        static let whitespace = ["", "", "", " ", "  ", "\t", "\r", "\r\n", " \n"]

        mutating func value() -> String {
            if chance(1) { return pick(Self.invalid) }
            return switch random.next() % 10 {
            case 0...3: pick(Self.numbers)
            case 4...6: "\"" + pick(Self.strings) + "\""
            case 7: pick(Self.literals)
            case 8: pick(Self.composites)
            default: randomNumber()
            }
        }

        mutating func randomNumber() -> String {
            let length = Int(random.next() % 21) + 1
            let digits = String((0..<length).map { _ in Character(String(random.next() % 10)) })
            let integer = digits.drop { $0 == "0" }
            var text = integer.isEmpty ? "0" : String(integer)
            if chance(60) { text += "." + String((0..<Int(random.next() % 12 + 1)).map { _ in Character(String(random.next() % 10)) }) }
            if chance(30) { text += pick(["e", "E", "e+", "e-", "E-"]) + String(random.next() % 330) }
            return chance(40) ? "-" + text : text
        }

        mutating func space() -> String { chance(70) ? "" : pick(Self.whitespace) }

        mutating func object(_ members: [(String, String)]) -> String {
            var text = "{" + space()
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { text += space() + "," + space() }
                text += "\"" + key + "\"" + space() + ":" + space() + value
            }
            return text + space() + "}"
        }

        /// A run of lines of one shape (key order), with fresh values.
        mutating func run() -> [String] {
            var top = topKeys.filter { _ in chance(85) }
            top.shuffle(using: &random)
            if chance(10) { top.append(pick(topKeys)) }
            var features = featureKeys.filter { _ in chance(85) }
            features.shuffle(using: &random)
            if chance(10) { features.append(pick(featureKeys)) }
            let count = Int(random.next() % 12) + 1
            return (0..<count).map { _ in line(top: top, features: features) }
        }

        mutating func line(top: [String], features: [String]) -> String {
            var members: [(String, String)] = []
            for key in top {
                if key == "features" || key == "f" {
                    members.append((key, chance(95) ? object(features.map { ($0, value()) }) : value()))
                } else {
                    members.append((key, value()))
                }
            }
            var text = space() + object(members) + space()
            if chance(5) { text = mutate(text) }
            return text
        }

        /// A small corruption: a byte cut off, removed, or inserted.
        mutating func mutate(_ text: String) -> String {
            var bytes = Array(text.utf8)
            guard !bytes.isEmpty else { return text }
            let at = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 3 {
            case 0: bytes.removeSubrange(at...)
            case 1: bytes.remove(at: at)
            default: bytes.insert(pick(Array("\",}]:\\0e-. \u{0}x".utf8)), at: at)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func fastPathAgreesOnRandomClassificationLines(seed: UInt64) {
        let comparison = Comparison(rule: Self.classificationRule)
        var generator = LineGenerator(
            random: SplitMix64(state: seed),
            topKeys: ["id", "ts", "features", "prediction", "score", "model", "version", "\\u0069d", "i\\\"d", "scor", "scores"],
            featureKeys: ["x", "c", "é \\\"q\\\"", "\\u00e9 \\\"q\\\"", "eight_ch", "nine_char", "other", "x ", "\\u0078"])
        for _ in 0..<1500 {
            for line in generator.run() { comparison.check(Array(line.utf8)) }
        }
        comparison.checkDictionaries()
        #expect(comparison.accepted > 1000)
        #expect(comparison.rejected > 1000)
    }

    @Test(arguments: [5, 6])
    func fastPathAgreesOnRandomRegressionLines(seed: UInt64) {
        let comparison = Comparison(rule: Self.regressionRule)
        let long = String(repeating: "long", count: 20)
        var generator = LineGenerator(
            random: SplitMix64(state: seed),
            topKeys: ["uid", "time", "f", "y", "s", "id", "features", "prediction"],
            featureKeys: ["x", "c", long, long + "x", "other"])
        for _ in 0..<1500 {
            for line in generator.run() { comparison.check(Array(line.utf8)) }
        }
        comparison.checkDictionaries()
        #expect(comparison.accepted > 1000)
    }

    // MARK: Chosen lines

    @Test func fastPathAgreesOnChosenLines() {
        let comparison = Comparison(rule: Self.classificationRule)
        let lines = [
            #"{"id":"p-1","ts":"2026-11-22T10:00:00.250Z","features":{"x":3.5,"c":"card","é \"q\"":-2e3},"prediction":1,"score":0.87}"#,
            #"{"id":"p-2","ts":"2026-11-22T10:00:01.250Z","features":{"x":3.6,"c":"cash","é \"q\"":-2e4},"prediction":0,"score":0.5}"#,
            // The same shape with one key changed at each position.
            #"{"iD":"p-3","ts":"2026-11-22T10:00:01.250Z","features":{"x":3.6,"c":"cash","é \"q\"":-2e4},"prediction":0,"score":0.5}"#,
            #"{"id":"p-4","ts":"2026-11-22T10:00:01.250Z","features":{"y":3.6,"c":"cash","é \"q\"":-2e4},"prediction":0,"score":0.5}"#,
            #"{"id":"p-5","ts":"2026-11-22T10:00:01.250Z","features":{"x":3.6,"c":"cash","é \"q\"":-2e4},"prediction":0,"scor":0.5}"#,
            #"{"id":"p-6","ts":"2026-11-22T10:00:01.250Z","features":{"x":3.6,"c":"cash","é \"q\"":-2e4},"prediction":0,"score":0.5,"score":1}"#,
            // Keys that a predicted key is a prefix of, or the other way round.
            #"{"i":"p-7","idx":"p-8","id":"p-9","features":{"xx":1,"x":2,"":3}}"#,
            // Escaped keys and values; canonically equivalent categories.
            #"{"\u0069d":"a\u00e9\n\ud83d\ude00","features":{"c":"K","\u0078":5}}"#,
            #"{"id":"k","features":{"c":"\u212A"}}"#,
            "{\"id\":\"k2\",\"features\":{\"c\":\"\u{212A}\"}}",
            "{\"id\":\"e1\",\"features\":{\"c\":\"é\"}}",
            "{\"id\":\"e2\",\"features\":{\"c\":\"e\u{301}\"}}",
            #"{"id":"e3","features":{"c":"e\u0301"}}"#,
            // Categories and classes written as numbers and booleans.
            #"{"id":1,"features":{"c":1},"prediction":1.0}"#,
            #"{"id":1.0,"features":{"c":1.0},"prediction":"1"}"#,
            #"{"id":1e0,"features":{"c":true},"prediction":true}"#,
            #"{"id":-0,"features":{"c":2.5},"prediction":false}"#,
            #"{"id":1e400,"features":{"c":1e400},"prediction":1e400}"#,
            #"{"id":"n","features":{"c":NaN,"x":NaN},"prediction":-Infinity,"score":Infinity}"#,
            // Missing values of every kind.
            #"{"id":"m","ts":null,"features":{"x":null,"c":null,"é \"q\"":"3"},"prediction":null,"score":"0.5"}"#,
            #"{"id":"m2","ts":1795341600.5,"features":[1,2],"prediction":{"a":1},"score":[0.5]}"#,
            #"{"id":"m3","ts":"2026-11-22T10:00:00Z","features":"none"}"#,
            // Duplicate ids and features objects.
            #"{"id":"a","id":null,"features":{"x":1}}"#,
            #"{"id":null,"id":"b","features":{"x":1},"features":{"c":"z"}}"#,
            // Whitespace everywhere; CRLF.
            " { \"id\" : \"w\" , \"features\" : { \"x\" : 1 , \"c\" : \"card\" } , \"score\" : 0.25 } \r",
            "\t{\"id\":\"w2\",\"features\":{\"x\":\r\n1}}\r\n",
            // Malformed.
            "", " ", "{", "}", "[]", "{\"id\":\"a\"", "{\"id\":\"a\",}", "{\"id\":\"a\"} x", "{\"id\":\"a\" \"b\":1}",
            #"{"id":"a","features":{"x":01}}"#, #"{"id":"a","features":{"x":1.}}"#, #"{"id":"a","features":{"x":-}}"#,
            #"{"id":"a","features":{"x":1,}}"#, #"{"id":"a","features":{"x" 1}}"#, #"{"id":"a","features":{"x":1"#,
            #"{"id":"a\q"}"#, "{\"id\":\"a\u{01}\"}", #"{"id":"a","x":tru}"#, #"{"features":{"x":1}}"#, "{'id':'a'}",
            "{\"id\":\"a\",\"x\":" + String(repeating: "[", count: 100_000) + "}",
        ]
        for line in lines { comparison.check(Array(line.utf8)) }
        // Every line again, now with predictions in place from the lines before.
        for line in lines { comparison.check(Array(line.utf8)) }
        comparison.checkDictionaries()
        #expect(comparison.fast.categories[0].names.contains("K"))
    }

    @Test func everyPrefixOfAValidLineAgrees() {
        let comparison = Comparison(rule: Self.classificationRule)
        let line = Array(#"{"id":"p-00000001","ts":"2026-11-22T10:00:00.123Z","model":"taxi","features":{"x":-0.5624,"c":"no_charge","é \"q\"":1234567890.125,"eight_ch":"x\"y","nine_char":7},"prediction":"1","score":0.2153}"#.utf8)
        for end in 0...line.count { comparison.check(Array(line[..<end])) }
        comparison.checkDictionaries()
    }

    /// Ordinary records never need the straightforward path (or the parser would be slow, not wrong).
    @Test func ordinaryRecordsTakeTheFastPath() {
        let layout = RecordLayout(rule: Self.classificationRule)
        let parser = RecordParser(layout: layout, categories: [CategoryDictionary(), CategoryDictionary()], classes: CategoryDictionary())
        let lines = [
            #"{"id":"p-00000001","ts":"2026-11-22T10:00:00.123Z","model":"taxi","features":{"x":-0.5624,"c":"no_charge","é \"q\"":1234567890.125,"eight_ch":"x\"y","nine_char":7},"prediction":"1","score":0.2153}"#,
            #"{"id": "p-2", "ts": 1795341600.5, "features": {"x": 1e-05, "c": 133, "nine_char": null}, "prediction": 0, "score": 1}"#,
            " {\"id\" : 7 , \"features\" : { \"c\" : true , \"x\" : 12345678901234567890 } }\r",
            #"{"id":"p-3","features":{"x":-Infinity,"c":NaN},"prediction":null}"#,
        ]
        for line in lines {
            for _ in 0..<3 {
                let accepted = Array(line.utf8).withUnsafeBufferPointer { parser.parsePredictionFast($0) }
                #expect(accepted, "\(line)")
            }
            // Learnt as a template, the same shape is read literal by literal.
            #expect(Array(line.utf8).withUnsafeBufferPointer { parser.parsePrediction($0) } == nil)
            #expect(Array(line.utf8).withUnsafeBufferPointer { parser.parseWithTemplate($0) }, "\(line)")
        }
    }

    /// Lines that differ from the template only far into a literal, or only in a value's length.
    @Test func templatesNoticeLateDifferences() {
        let rule = Self.rule("""
            {"monitor": "m", "task": "regression", "predictions": {"path": "p"}, "window": {"size": 10},
             "features": {"feature_a": {"type": "numerical"}, "feature_b": {"type": "numerical"},
                          "a_rather_long_feature_name_1": {"type": "categorical"}, "a_rather_long_feature_name_2": {"type": "categorical"}}}
            """)
        let comparison = Comparison(rule: rule)
        let lines = [
            #"{"id":"a","features":{"feature_a":1,"feature_b":2,"a_rather_long_feature_name_1":"x","a_rather_long_feature_name_2":"y"}}"#,
            #"{"id":"b","features":{"feature_b":1,"feature_a":2,"a_rather_long_feature_name_2":"x","a_rather_long_feature_name_1":"y"}}"#,
            #"{"id":"c","features":{"feature_a":1,"feature_b":2,"a_rather_long_feature_name_1":"x","a_rather_long_feature_name_2":"y"}}"#,
            #"{"id":"dd","features":{"feature_a":12.5,"feature_b":-2,"a_rather_long_feature_name_1":"xx","a_rather_long_feature_name_2":7}}"#,
            #"{"id":"e","features":{"feature_a":1,"feature_b":2,"a_rather_long_feature_name_1":"x","a_rather_long_feature_name_3":"y"}}"#,
            #"{"id":"f","features":{"feature_a":1,"feature_b":2,"a_rather_long_feature_name_1":"x","a_rather_long_feature_name_2":"y"}} "#,
            #"{"id":"g","features":{"feature_a":1,"feature_b":2,"a_rather_long_feature_name_1":"x","a_rather_long_feature_name_2":"y"}}x"#,
            #"{"id":"h","features":{"feature_a":1,"feature_b":2,"a_rather_long_feature_name_1":"x","a_rather_long_feature_name_2":"y"},"id":null}"#,
            #"{"id":"i","features":{"feature_a":1,"feature_b":2,"a_rather_long_feature_name_1":"x","a_rather_long_feature_name_2":"y"}"#,
            #"{"id":"j","features":{"feature_a": 1,"feature_b":2,"a_rather_long_feature_name_1":"x","a_rather_long_feature_name_2":"y"}}"#,
        ]
        for _ in 0..<2 {
            for line in lines + lines.reversed() { comparison.check(Array(line.utf8)) }
        }
        comparison.checkDictionaries()
    }

    /// Label lines: the fast path against the straightforward one (verdict, reason, id, value, class).
    @Test(arguments: [(7, true), (8, false)])
    func labelFastPathAgrees(seed: UInt64, classification: Bool) {
        let rule = classification ? Self.classificationRule : Self.rule("""
            {"monitor": "m", "task": "regression", "predictions": {"path": "p"}, "labels": {"path": "l", "id": "uid", "label": "y"},
             "window": {"size": 10}, "features": {"x": {"type": "numerical"}}}
            """)
        let layout = RecordLayout(rule: rule)
        let fast = RecordParser(layout: layout, categories: (0..<layout.categoricalCount).map { _ in CategoryDictionary() },
                                classes: CategoryDictionary())
        let reference = RecordParser(layout: layout, categories: (0..<layout.categoricalCount).map { _ in CategoryDictionary() },
                                     classes: CategoryDictionary())
        let keys = classification ? ["id", "label", "ts", "\\u0069d", "lab", "labels", "x"] : ["uid", "y", "id", "label", "ts", "u\\u0069d"]
        var generator = LineGenerator(random: SplitMix64(state: seed), topKeys: keys, featureKeys: ["x"])
        var accepted = 0
        for _ in 0..<4000 {
            for line in generator.run() {
                let bytes = Array(line.utf8)
                let (a, b) = Comparison.atPageEnd(bytes) { (fast.parseLabel($0), reference.parseLabelStraightforward($0)) }
                switch (a, b) {
                case (.success(let x), .success(let y)):
                    accepted += 1
                    #expect(x.id == y.id, "\(line)")
                    #expect(x.value.bitPattern == y.value.bitPattern, "\(line)")
                    #expect(x.classID == y.classID, "\(line)")
                case (.failure(let x), .failure(let y)):
                    #expect(x == y, "\(line)")
                default:
                    Issue.record("\(line): \(a) against \(b)")
                }
            }
        }
        #expect(fast.classes.names == reference.classes.names)
        #expect(accepted > 1000)
    }

    /// Records that leave optional fields out have a few shapes with a common beginning: once each
    /// was seen, every line is read from the templates (and agrees with the straightforward path).
    @Test func interleavedShapesStayOnTemplates() {
        let comparison = Comparison(rule: Self.classificationRule)
        var random = SplitMix64(state: 12)
        var templated = 0
        for index in 0..<2000 {
            var line = #"{"id":"p-\#(index)","ts":"2026-11-22T10:00:00Z","features":{"x":\#(index % 97)"#
            if random.next() % 2 == 0 { line += #","c":"card""# }
            line += "}"
            if random.next() % 3 != 0 { line += #","prediction":1"# }
            if random.next() % 2 == 0 { line += #","score":0.\#(index % 10)"# }
            line += "}"
            let bytes = Array(line.utf8)
            if index > 100, bytes.withUnsafeBufferPointer({ comparison.fast.parseWithTemplate($0) }) { templated += 1 }
            comparison.check(bytes)
        }
        comparison.checkDictionaries()
        // Eight shapes in four slots: most lines, not all, find theirs.
        #expect(templated > 1000)
    }
}
