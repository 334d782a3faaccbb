@testable import DriftEngine
import Testing

/// The fast path's primitives against the straightforward ones: numbers against `Double(String)`
/// and `JSONLineReader`, strings against `JSONLineReader`, the byte-keyed table against a Dictionary.
struct ByteScannerTests {
    typealias SplitMix64 = RecordParserFastPathTests.SplitMix64

    /// What `JSONLineReader` makes of `text` as a value: a number, a non-finite number, or an error.
    static func straightforward(_ text: [UInt8]) -> (Double?, Int)? {
        text.withUnsafeBufferPointer { bytes in
            var reader = JSONLineReader(bytes: bytes)
            guard let token = try? reader.readValue() else { return nil }
            switch token {
            case .number(let value): return (value, reader.position)
            case .nonFiniteNumber: return (nil, reader.position)
            default: return nil
            }
        }
    }

    static func fast(_ text: [UInt8]) -> (Double?, Int)? {
        RecordParserFastPathTests.Comparison.atPageEnd(text) { bytes in
            var value = 0.0
            let end = ByteScanner.number(bytes.baseAddress!, 0, bytes.count, value: &value)
            guard end >= 0 else { return nil }
            return (value.isFinite ? value : nil, end)
        }
    }

    /// Checks `text` alone (at a page's end: the byte-by-byte paths) and followed by more of a
    /// line (the word-at-a-time paths).
    static func check(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        checkAlone(text, sourceLocation: sourceLocation)
        checkAlone(text + ",\"c\":[1,2],\"d\":{}}", sourceLocation: sourceLocation)
        checkAlone(text + "}", sourceLocation: sourceLocation)
    }

    static func checkAlone(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let bytes = Array(text.utf8)
        let expected = straightforward(bytes)
        let actual = fast(bytes)
        #expect(actual?.0?.bitPattern == expected?.0?.bitPattern, "\(text)", sourceLocation: sourceLocation)
        #expect(actual?.1 == expected?.1, "\(text)", sourceLocation: sourceLocation)
        #expect((actual == nil) == (expected == nil), "\(text)", sourceLocation: sourceLocation)
        if let value = actual?.0, let valid = expected, valid.1 == bytes.count {
            #expect(value.bitPattern == Double(text)!.bitPattern, "\(text)", sourceLocation: sourceLocation)
        }
    }

    @Test func numbersAgreeWithTheStandardLibrary() {
        var random = SplitMix64(state: 42)
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(random.next() % 10)) }) }
        for count in 1...40 {
            for _ in 0..<200 {
                let integer = String(digits(count).drop { $0 == "0" })
                let mantissa = integer.isEmpty ? "0" : integer
                Self.check(mantissa)
                Self.check("-" + mantissa)
                Self.check(mantissa + "." + digits(Int(random.next() % 25) + 1))
                Self.check("0." + digits(count))
                Self.check(mantissa + "e" + String(Int(random.next() % 700) - 350))
                Self.check(mantissa + "." + digits(Int(random.next() % 9) + 1) + "E+" + String(random.next() % 40))
            }
        }
        // Shortest round-trip forms of random doubles (what Python and Swift print: up to 17 digits).
        for _ in 0..<20_000 {
            let value = Double(bitPattern: random.next() & 0x7FFF_FFFF_FFFF_FFFF)
            guard value.isFinite else { continue }
            Self.check("\(value)")
            Self.check("\(Double(Int64(bitPattern: random.next()) % 1_000_000) / 997)")
        }
        // Powers of two and ten, and the values around 2^53 and the Clinger bounds.
        for exponent in -30...30 {
            Self.check("1e\(exponent)")
            Self.check("9007199254740993e\(exponent)")
            Self.check("9007199254740992e\(exponent)")
            Self.check("4503599627370497.5e\(exponent)")
        }
        for text in ["0", "-0", "0.0", "-0.0", "0e0", "0E-0", "1.7976931348623157e308", "1.7976931348623159e308",
                     "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400",
                     "123456789012345678901234567890", "0.000000000000000000000000000001", "18446744073709551615",
                     "18446744073709551616", "9999999999999999999", "10000000000000000000", "1e00000000000000000000001"] {
            Self.check(text)
        }
    }

    @Test(arguments: ["01", "-", "-a", "1.", "1.e5", ".5", "1e", "1e+", "1E-", "-01", "00.5", "--1", "1..2", "-.5", "0.", "-0.",
                      "01234567,", "0.e1,      ", "1.,        ", "-,         "])
    func invalidNumbersAreRejectedAlike(text: String) {
        #expect(Self.fast(Array(text.utf8)) == nil)
        #expect(Self.straightforward(Array(text.utf8)) == nil)
    }

    @Test func numbersStopWhereTheReaderStops() {
        for text in ["1,", "1}", "1.5.3", "1e5e5", "12345678x", "123456789,", "0x10", "1 ", "-0.5624,\"c\"", "7]"] {
            Self.check(text)
        }
    }

    @Test func digitCountsAndValuesMatchByteByByte() {
        var random = SplitMix64(state: 7)
        for _ in 0..<100_000 {
            var bytes = (0..<8).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            // Mostly digits, so that every run length is tried.
            for i in 0..<8 where random.next() % 4 != 0 { bytes[i] = 0x30 + UInt8(random.next() % 10) }
            let word = bytes.withUnsafeBufferPointer { ByteScanner.load($0.baseAddress!, 0) }
            let count = bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }.count
            #expect(ByteScanner.digitCount(word) == count)
            if count > 0 {
                let value = bytes.prefix(count).reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 0x30) }
                #expect(ByteScanner.digitsValue(word, count: count) == value)
            }
        }
    }

    @Test func stringsEndWhereTheReaderSaysTheyEnd() {
        var random = SplitMix64(state: 9)
        let pieces = ["a", "bcdefgh", "é", "😀", "\\\"", "\\\\", "\\/", "\\n", "\\u00e9", "\\uD83D", "\\u12", "\\x", "\u{01}", "\u{7F}", "\"", " "]
        for _ in 0..<20_000 {
            let body = (0..<Int(random.next() % 12)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            let text = Array(("\"" + body + (random.next() % 5 == 0 ? "" : "\"") + ",1").utf8)
            let expected: (Int, Bool)? = text.withUnsafeBufferPointer { bytes in
                var reader = JSONLineReader(bytes: bytes)
                guard case .string(let range, let escaped)? = try? reader.readValue() else { return nil }
                return (range.upperBound, escaped)
            }
            let actual: (Int, Bool)? = RecordParserFastPathTests.Comparison.atPageEnd(text) { bytes in
                var escaped = false
                let close = ByteScanner.stringEnd(bytes.baseAddress!, 1, bytes.count, escaped: &escaped)
                return close < 0 ? nil : (close, escaped)
            }
            #expect(actual?.0 == expected?.0, "\(String(decoding: text, as: UTF8.self))")
            #expect(actual?.1 == expected?.1, "\(String(decoding: text, as: UTF8.self))")
        }
    }

    @Test func byteKeyTableAgreesWithADictionary() {
        var random = SplitMix64(state: 11)
        let table = ByteKeyTable()
        var dictionary: [[UInt8]: Int32] = [:]
        for step in 0..<50_000 {
            // Short keys collide often; long ones test the arena.
            let length = Int(random.next() % (step % 3 == 0 ? 40 : 10))
            let key = (0..<length).map { _ in UInt8(97 + random.next() % 3) }
            let found = RecordParserFastPathTests.Comparison.atPageEnd(key + [0x22]) { bytes in
                table.value(bytes.baseAddress!, count: length, readable: bytes.count)
            }
            #expect(found == (dictionary[key] ?? -1))
            if dictionary[key] == nil {
                let value = Int32(dictionary.count)
                dictionary[key] = value
                key.withUnsafeBufferPointer { table.insert($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: length, value: value) }
            }
        }
        #expect(table.count == dictionary.count)
    }

    /// Eisel-Lemire against `Double(String)` for mantissas of every length at every exponent of its
    /// table, and at the round-to-even and range boundaries.
    @Test func eiselLemireAgreesWithTheStandardLibrary() {
        var random = SplitMix64(state: 5)
        var answered = 0
        var asked = 0
        for q in EiselLemire.smallestPowerOfTen...EiselLemire.largestPowerOfTen {
            for round in 0..<40 {
                let digits = 1 + Int(random.next() % 19)
                var limit: UInt64 = 1
                for _ in 0..<digits { limit *= 10 }
                var mantissa = random.next() % limit
                // Mantissas just above 2^53 and with long runs of 9s or 0s are the hard ones.
                if round % 4 == 1 { mantissa = (1 << 53) + random.next() % 1000 }
                if round % 4 == 2 { mantissa = limit - 1 - random.next() % 3 }
                let text = "\(mantissa)e\(q)"
                asked += 1
                guard let value = EiselLemire.double(mantissa: mantissa, exponent: q) else { continue }
                answered += 1
                #expect(value.bitPattern == Double(text)!.bitPattern, "\(text)")
            }
        }
        // It answers for all but subnormal, overflowing or zero-rounding results.
        #expect(answered > asked * 8 / 10)
        for (mantissa, q) in [(9_007_199_254_740_993, 0), (9_007_199_254_740_995, 0), (9_007_199_254_740_997, 0),
                              (18_014_398_509_481_985, 0), (22_250_738_585_072_014, -324), (17_976_931_348_623_157, 292),
                              (17_976_931_348_623_159, 292), (49, -325), (1, 23), (3, 23), (5, -1), (25, -2), (125, -3),
                              (4_503_599_627_370_497, 0), (9_999_999_999_999_999_999, -19), (1, -342), (1, 308)] as [(UInt64, Int)] {
            if let value = EiselLemire.double(mantissa: mantissa, exponent: q) {
                #expect(value.bitPattern == Double("\(mantissa)e\(q)")!.bitPattern, "\(mantissa)e\(q)")
            }
        }
    }
}
