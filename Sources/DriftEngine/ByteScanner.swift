/// The record parser's fast-path primitives over raw line bytes: strings, numbers and whitespace,
/// eight bytes at a time where the line has them (SWAR), never reading past the line's end.
///
/// Each accepts exactly what `JSONLineReader` accepts for the same token (RFC 8259 strings and
/// numbers) and returns -1 where it would throw; numbers are correctly rounded, bit-identical to
/// `Double(String)`. Tests compare every primitive with the straightforward reader.
enum ByteScanner {
    @inline(__always)
    static func load(_ base: UnsafePointer<UInt8>, _ position: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// Skips JSON whitespace (space, tab, CR, LF) from `position`.
    @inline(__always)
    static func skipWhitespace(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        var p = position
        while p < end {
            let byte = base[p]
            guard byte <= 0x20, byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A else { break }
            p &+= 1
        }
        return p
    }

    // MARK: Strings

    /// Scans a string body from `position` (just after the opening quote). Returns the position of
    /// the closing quote, or -1 if the string is invalid or unterminated; `escaped` is set when the
    /// body has a backslash escape.
    @inline(__always)
    static func stringEnd(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int, escaped: inout Bool) -> Int {
        var p = position
        // Plain bytes, 8 at a time: stop at the first quote, backslash or control character.
        while p &+ 8 <= end {
            let word = load(base, p)
            let special = zeroBytes(word ^ 0x2222_2222_2222_2222) | zeroBytes(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                | ((word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080)
            if special != 0 {
                p &+= special.trailingZeroBitCount &>> 3
                if base[p] == UInt8(ascii: "\"") { return p }
                return stringEndSlow(base, p, end, escaped: &escaped)
            }
            p &+= 8
        }
        return stringEndSlow(base, p, end, escaped: &escaped)
    }

    /// Byte by byte from `position`, with escapes (as `JSONLineReader` validates them).
    static func stringEndSlow(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int, escaped: inout Bool) -> Int {
        var p = position
        while p < end {
            let byte = base[p]
            if byte == UInt8(ascii: "\"") { return p }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                p &+= 1
                guard p < end else { return -1 }
                switch base[p] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    p &+= 1
                case UInt8(ascii: "u"):
                    guard p &+ 4 < end else { return -1 }
                    for i in 1...4 where !JSONLineReader.isHexDigit(base[p &+ i]) { return -1 }
                    p &+= 5
                default:
                    return -1
                }
                continue
            }
            if byte < 0x20 { return -1 }
            p &+= 1
        }
        return -1
    }

    /// The high bit of each byte of `word` that is zero (exact for the lowest such byte).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    // MARK: Numbers

    /// How many of the 8 bytes of `word` (first byte lowest) are ASCII digits before the first one
    /// that is not (0...8).
    @inline(__always)
    static func digitCount(_ word: UInt64) -> Int {
        // A byte is a digit when its high nibble is 3 both as is and after adding 6 (0x30...0x39).
        // Carries out of a byte only come from bytes 0xFA...0xFF, which are not digits, so they
        // cannot change the count of leading digits.
        let high = word & 0xF0F0_F0F0_F0F0_F0F0
        let shifted = (word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0
        let difference = (high ^ 0x3030_3030_3030_3030) | (shifted ^ 0x3030_3030_3030_3030)
        let nonDigit = (((difference & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | difference) & 0x8080_8080_8080_8080
        return nonDigit.trailingZeroBitCount &>> 3
    }

    /// The value of the first `count` (1...8) digit bytes of `word` (first byte lowest).
    @inline(__always)
    static func digitsValue(_ word: UInt64, count: Int) -> UInt64 {
        // Move the digits to the top bytes: the zero bytes below read as leading zeros.
        var value = (word & 0x0F0F_0F0F_0F0F_0F0F) << UInt64((8 &- count) &* 8)
        value = (value &* 10) &+ (value >> 8)
        value = (((value & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064)
            &+ (((value >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001)) >> 32
        return value & 0xFFFF_FFFF
    }

    /// 10^`exponent` for 0...19, as an integer.
    @inline(__always)
    static func integerPowerOfTen(_ exponent: Int) -> UInt64 {
        switch exponent {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1000
        case 4: 10000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        case 8: 100_000_000
        default: 1
        }
    }

    /// 10^`exponent` for 0...22: exact doubles.
    @inline(__always)
    static func powerOfTen(_ exponent: Int) -> Double {
        switch exponent {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// Scans a JSON number from `position` (a `-` or a digit). Returns the position after it, or -1
    /// if it is not a valid JSON number; `value` is the correctly rounded value, or an infinity when
    /// it is beyond Double's range.
    @inline(__always)
    static func number(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int, value: inout Double) -> Int {
        var p = position
        let negative = base[p] == UInt8(ascii: "-")
        if negative { p &+= 1 }
        guard p < end, isDigit(base[p]) else { return -1 }
        var mantissa: UInt64 = 0
        // Digits in `mantissa` (leading zeros of a fraction included); over 19 takes the exact slow path.
        var digits = 0
        var exponent = 0
        if base[p] == UInt8(ascii: "0") {
            p &+= 1
            if p < end, isDigit(base[p]) { return -1 }
        } else {
            while true {
                let count: Int
                if p &+ 8 <= end {
                    let word = load(base, p)
                    count = digitCount(word)
                    if count == 0 { break }
                    if digits &+ count <= 19 {
                        mantissa = mantissa &* integerPowerOfTen(count) &+ digitsValue(word, count: count)
                    }
                } else {
                    count = shortDigits(base, p, end, mantissa: &mantissa, digits: digits)
                    if count == 0 { break }
                }
                digits &+= count
                p &+= count
                if count < 8 { break }
            }
        }
        if p < end, base[p] == UInt8(ascii: ".") {
            p &+= 1
            let first = p
            while true {
                let count: Int
                if p &+ 8 <= end {
                    let word = load(base, p)
                    count = digitCount(word)
                    if count == 0 { break }
                    if digits &+ count <= 19 {
                        mantissa = mantissa &* integerPowerOfTen(count) &+ digitsValue(word, count: count)
                    }
                } else {
                    count = shortDigits(base, p, end, mantissa: &mantissa, digits: digits)
                    if count == 0 { break }
                }
                digits &+= count
                exponent &-= count
                p &+= count
                if count < 8 { break }
            }
            guard p > first else { return -1 }
        }
        if p < end, base[p] | 0x20 == UInt8(ascii: "e") {
            p &+= 1
            var exponentNegative = false
            if p < end, base[p] == UInt8(ascii: "+") || base[p] == UInt8(ascii: "-") {
                exponentNegative = base[p] == UInt8(ascii: "-")
                p &+= 1
            }
            guard p < end, isDigit(base[p]) else { return -1 }
            var explicit = 0
            while p < end, isDigit(base[p]) {
                if explicit < 100_000 { explicit = explicit &* 10 &+ Int(base[p] &- 0x30) }
                p &+= 1
            }
            exponent &+= exponentNegative ? -explicit : explicit
        }
        if digits <= 19, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            // Clinger's fast path: an exact integer times or over an exact power of ten, rounded once.
            var result = Double(mantissa)
            if exponent < 0 { result /= powerOfTen(-exponent) } else { result *= powerOfTen(exponent) }
            value = negative ? -result : result
        } else {
            value = slowNumber(base, position, p)
        }
        return p
    }

    /// Up to 8 digits byte by byte (near the line's end); returns how many, adding them to `mantissa`
    /// while `digits` plus them stays within 19.
    static func shortDigits(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int, mantissa: inout UInt64, digits: Int) -> Int {
        var p = position
        var value: UInt64 = 0
        while p < end, p &- position < 8, isDigit(base[p]) {
            value = value &* 10 &+ UInt64(base[p] &- 0x30)
            p &+= 1
        }
        let count = p &- position
        if count > 0, digits &+ count <= 19 { mantissa = mantissa &* integerPowerOfTen(count) &+ value }
        return count
    }

    /// Correctly rounded by the standard library (long mantissas, large exponents).
    static func slowNumber(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double {
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return .infinity }
        return value
    }
}
