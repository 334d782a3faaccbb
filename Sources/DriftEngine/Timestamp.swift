/// RFC 3339 timestamps to and from seconds since the Unix epoch (UTC), without Foundation's
/// date formatters (too slow for the record path).
public enum Timestamp {
    /// Parses `2026-11-22T10:00:00.123Z` (fraction optional; `Z`, `z` or `±HH:MM`; `T`, `t` or a space).
    public static func parse<C: RandomAccessCollection>(_ text: C) -> Double? where C.Element == UInt8, C.Index == Int {
        let b = text
        let s = b.startIndex
        guard b.count >= 20 else { return nil }
        func digits(_ offset: Int, _ count: Int) -> Int? {
            var value = 0
            for i in 0..<count {
                let byte = b[s + offset + i]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = digits(0, 4), b[s + 4] == UInt8(ascii: "-"), let month = digits(5, 2), b[s + 7] == UInt8(ascii: "-"),
              let day = digits(8, 2), b[s + 10] == UInt8(ascii: "T") || b[s + 10] == UInt8(ascii: "t") || b[s + 10] == UInt8(ascii: " "),
              let hour = digits(11, 2), b[s + 13] == UInt8(ascii: ":"), let minute = digits(14, 2),
              b[s + 16] == UInt8(ascii: ":"), let second = digits(17, 2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[s + i] == UInt8(ascii: ".") {
            i += 1
            var numerator = 0
            var scale = 1
            let begin = i
            while i < b.count, b[s + i] >= 0x30, b[s + i] <= 0x39 {
                if i - begin < 9 {
                    numerator = numerator * 10 + Int(b[s + i] - 0x30)
                    scale *= 10
                }
                i += 1
            }
            guard i > begin else { return nil }
            fraction = Double(numerator) / Double(scale)
        }
        guard i < b.count else { return nil }
        var offsetSeconds = 0
        switch b[s + i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == b.count, let oh = digits(i + 1, 2), b[s + i + 3] == UInt8(ascii: ":"), let om = digits(i + 4, 2),
                  oh <= 23, om <= 59 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[s + i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        default:
            return nil
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Double(seconds) + fraction
    }

    /// Parses a string timestamp.
    public static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// `parse` for the record path: the same result as the generic version (tests compare them),
    /// with the fixed-position part (`YYYY-MM-DDTHH:MM:SS`) checked and read 8 bytes at a time.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var cache = DateCache()
        return parse(bytes, cache: &cache)
    }

    /// The last valid date (`YYYY-MM-DD`) `parse(_:cache:)` read, and its day number: records of a
    /// stream mostly share their date, which then is compared instead of checked and converted.
    struct DateCache {
        var dateWord: UInt64 = 0
        var dayBytes: UInt64 = 0
        var days = 0
        var isValid = false
    }

    /// `parse(_:)` that skips checking and converting a date equal to the cached one.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, cache: inout DateCache) -> Double? {
        let count = bytes.count
        guard count >= 20, let b = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(b)
        // "YYYY-MM-", "DDTHH:MM", ":SS" (+1 byte); separators are replaced by '0' so that every
        // byte must be a digit.
        let dateWord = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        let timeWord = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let secondsWord = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
        let dayBytes = timeWord & 0xFFFF
        let days: Int
        if cache.isValid, dateWord == cache.dateWord, dayBytes == cache.dayBytes {
            days = cache.days
        } else {
            guard dateWord & 0xFF00_00FF_0000_0000 == 0x2D00_002D_0000_0000 else { return nil }
            let d0 = (dateWord & 0x00FF_FF00_FFFF_FFFF | 0x3000_0030_0000_0000) ^ 0x3030_3030_3030_3030
            let d1 = dayBytes ^ 0x3030
            // Every byte is now 0...9 if it was a digit: its high nibble is 0, also after adding 6.
            guard (d0 | d1) & 0xF0F0_F0F0_F0F0_F0F0 == 0,
                  ((d0 &+ 0x0606_0606_0606_0606) | (d1 &+ 0x0606)) & 0xF0F0_F0F0_F0F0_F0F0 == 0 else { return nil }
            let year = digit(d0, 0) &* 1000 &+ digit(d0, 1) &* 100 &+ digit(d0, 2) &* 10 &+ digit(d0, 3)
            let month = digit(d0, 5) &* 10 &+ digit(d0, 6)
            let day = digit(d1, 0) &* 10 &+ digit(d1, 1)
            guard month >= 1, month <= 12, day >= 1, day <= fastDaysInMonth(year: year, month: month) else { return nil }
            days = daysFromCivil(year: year, month: month, day: day)
            cache = DateCache(dateWord: dateWord, dayBytes: dayBytes, days: days, isValid: true)
        }
        let separator = (timeWord &>> 16) & 0xFF
        guard timeWord & 0x0000_FF00_0000_0000 == 0x0000_3A00_0000_0000,
              separator == 0x54 || separator == 0x74 || separator == 0x20, // T, t, space
              secondsWord & 0xFF == 0x3A else { return nil }
        let d1 = (timeWord & 0xFFFF_00FF_FF00_0000 | 0x0000_3000_0030_3030) ^ 0x3030_3030_3030_3030
        let d2 = (secondsWord & 0x00FF_FF00 | 0x3000_0030) ^ 0x3030_3030
        guard (d1 | d2) & 0xF0F0_F0F0_F0F0_F0F0 == 0,
              ((d1 &+ 0x0606_0606_0606_0606) | (d2 &+ 0x0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0 == 0 else { return nil }
        let hour = digit(d1, 3) &* 10 &+ digit(d1, 4)
        let minute = digit(d1, 6) &* 10 &+ digit(d1, 7)
        let second = digit(d2, 1) &* 10 &+ digit(d2, 2)
        guard hour <= 23, minute <= 59, second <= 60 else { return nil }
        var i = 19
        var fraction = 0.0
        if b[i] == UInt8(ascii: ".") {
            i &+= 1
            var numerator = 0
            var scale = 1
            let begin = i
            while i < count, b[i] &- 0x30 < 10 {
                if i &- begin < 9 {
                    numerator = numerator &* 10 &+ Int(b[i] &- 0x30)
                    scale &*= 10
                }
                i &+= 1
            }
            guard i > begin else { return nil }
            fraction = Double(numerator) / Double(scale)
        }
        guard i < count else { return nil }
        var offsetSeconds = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i &+= 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i &+ 6 == count, b[i &+ 1] &- 0x30 < 10, b[i &+ 2] &- 0x30 < 10, b[i &+ 3] == UInt8(ascii: ":"),
                  b[i &+ 4] &- 0x30 < 10, b[i &+ 5] &- 0x30 < 10 else { return nil }
            let oh = Int(b[i &+ 1] &- 0x30) &* 10 &+ Int(b[i &+ 2] &- 0x30)
            let om = Int(b[i &+ 4] &- 0x30) &* 10 &+ Int(b[i &+ 5] &- 0x30)
            guard oh <= 23, om <= 59 else { return nil }
            offsetSeconds = (oh &* 3600 &+ om &* 60) &* (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i &+= 6
        default:
            return nil
        }
        guard i == count else { return nil }
        let seconds = days &* 86400 &+ hour &* 3600 &+ minute &* 60 &+ second &- offsetSeconds
        return Double(seconds) + fraction
    }

    /// Byte `index` of `word` (little-endian).
    @inline(__always)
    private static func digit(_ word: UInt64, _ index: UInt64) -> Int { Int(truncatingIfNeeded: (word &>> (index &* 8)) & 0xFF) }

    @inline(__always)
    static func fastDaysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Formats as `2026-11-22T10:00:00.123Z` (milliseconds, UTC).
    public static func format(_ seconds: Double) -> String {
        let totalMilliseconds = Int64((seconds * 1000).rounded(.down))
        var days = totalMilliseconds / 86_400_000
        var milliseconds = totalMilliseconds % 86_400_000
        if milliseconds < 0 {
            milliseconds += 86_400_000
            days -= 1
        }
        let (year, month, day) = civilFromDays(Int(days))
        let ms = Int(milliseconds)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(ms / 3_600_000, 2)):\(pad(ms / 60_000 % 60, 2)):\(pad(ms / 1000 % 60, 2)).\(pad(ms % 1000, 3))Z"
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
