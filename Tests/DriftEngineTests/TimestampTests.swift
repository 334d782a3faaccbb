import DriftEngine
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
}
