@testable import DriftEngine
import Foundation
import Testing

/// RFC 3339 parsing, checked against Foundation's ISO 8601 formatter.
struct TimestampTests {
    @Test func parsesAgreeWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let seconds = Double(Int.random(in: -2_000_000_000...4_000_000_000, using: &generator))
            let text = formatter.string(from: Date(timeIntervalSince1970: seconds))
            #expect(Timestamp.parse(text) == seconds, "\(text)")
        }
    }

    @Test func fractionsAndOffsets() {
        #expect(Timestamp.parse("2026-11-22T10:00:00.123Z") == 1_795_341_600.123)
        #expect(Timestamp.parse("2026-11-22T10:00:00Z") == 1_795_341_600)
        #expect(Timestamp.parse("2026-11-22t10:00:00z") == 1_795_341_600)
        #expect(Timestamp.parse("2026-11-22 10:00:00Z") == 1_795_341_600)
        #expect(Timestamp.parse("2026-11-22T12:30:00+02:30") == 1_795_341_600)
        #expect(Timestamp.parse("2026-11-22T05:00:00-05:00") == 1_795_341_600)
        #expect(Timestamp.parse("2024-02-29T00:00:00Z") != nil)
    }

    @Test(arguments: ["", "2026-11-22", "2026-11-22T10:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
                      "2026-11-22T24:00:00Z", "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00+0200", "2026-11-22T10:00:00Zjunk",
                      "２０２６-11-22T10:00:00Z", "2026-11-22T10:60:00Z"])
    func rejectsInvalid(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func formatsWithMilliseconds() {
        #expect(Timestamp.format(1_795_341_600.123) == "2026-11-22T10:00:00.123Z")
        #expect(Timestamp.format(0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(-1) == "1969-12-31T23:59:59.000Z")
    }

    /// The record path's parser (over a byte buffer) against the generic one, on valid timestamps
    /// with random fractions and offsets and on every one-byte corruption of them.
    @Test func fastParserAgreesWithTheGenericOne() {
        var random = RecordParserFastPathTests.SplitMix64(state: 3)
        let shared = SharedCache()
        func number(_ range: ClosedRange<UInt64>, width: Int) -> String {
            let text = String(range.lowerBound + random.next() % (range.upperBound - range.lowerBound + 1))
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let replacements = Array("0123456789:-+.TtZz :/\u{0}\u{FF}".utf8) + [0xFA, 0x2F, 0x3A, 0x39, 0x30]
        for _ in 0..<20_000 {
            var text = random.next() % 2 == 0 ? ["2026-11-22", "2024-02-29", "2023-02-29", "0000-02-29"][Int(random.next() % 4)]
                : number(0...9999, width: 4) + "-" + number(0...13, width: 2) + "-" + number(0...32, width: 2)
            text += ["T", "t", " ", "x"][Int(random.next() % 4)]
            text += number(0...24, width: 2) + ":" + number(0...60, width: 2) + ":" + number(0...61, width: 2)
            if random.next() % 2 == 0 { text += "." + number(0...9_999_999_999_999, width: Int(random.next() % 14)) }
            text += ["Z", "z", "+" + number(0...24, width: 2) + ":" + number(0...60, width: 2),
                     "-" + number(0...23, width: 2) + ":" + number(0...59, width: 2), "", "+0200"][Int(random.next() % 6)]
            var bytes = Array(text.utf8)
            Self.expectAgreement(bytes, shared)
            let at = Int(random.next() % UInt64(bytes.count))
            bytes[at] = replacements[Int(random.next() % UInt64(replacements.count))]
            Self.expectAgreement(bytes, shared)
            Self.expectAgreement(Array(bytes[..<at]), shared)
        }
    }

    /// A date cache shared by the calls of one test, as the parser keeps one across lines: a
    /// corrupted timestamp follows the valid one with the same date.
    final class SharedCache: @unchecked Sendable {
        var cache = Timestamp.DateCache()
    }

    static func expectAgreement(_ bytes: [UInt8], _ shared: SharedCache) {
        let generic = Timestamp.parse(bytes)
        let fast = RecordParserFastPathTests.Comparison.atPageEnd(bytes) { Timestamp.parse($0) }
        let cached = RecordParserFastPathTests.Comparison.atPageEnd(bytes) { Timestamp.parse($0, cache: &shared.cache) }
        #expect(fast?.bitPattern == generic?.bitPattern, "\(String(decoding: bytes, as: UTF8.self))")
        #expect(cached?.bitPattern == generic?.bitPattern, "\(String(decoding: bytes, as: UTF8.self))")
    }
}
