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
        // A byte is a digit when its high nibble is 3 both as is and after adding 6 (0x30...0x39):
        // then it becomes 0x33 below, and 0 after the XOR. Carries out of a byte only come from
        // bytes 0xFA...0xFF, which are not digits, so they cannot change the count of leading digits.
        let nibbles = (word & 0xF0F0_F0F0_F0F0_F0F0) | (((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) &>> 4)
        return (nibbles ^ 0x3333_3333_3333_3333).trailingZeroBitCount &>> 3
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

    /// 10^`exponent` for 0...8, as an integer.
    @inline(__always)
    static func integerPowerOfTen(_ exponent: Int) -> UInt64 {
        integerPowersOfTen.withUnsafeBufferPointer { $0[exponent] }
    }

    /// 10^`exponent` for 0...22: exact doubles.
    @inline(__always)
    static func powerOfTen(_ exponent: Int) -> Double {
        powersOfTen.withUnsafeBufferPointer { $0[exponent] }
    }

    // Tables of literals: statically initialized (a load, not a jump table or a lazy global).
    private static let integerPowersOfTen: [UInt64] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000]
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Scans a JSON number from `position` (a `-` or a digit). Returns the position after it, or -1
    /// if it is not a valid JSON number; `value` is the correctly rounded value, or an infinity when
    /// it is beyond Double's range.
    @inline(__always)
    static func number(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int, value: inout Double) -> Int {
        let negative = base[position] == UInt8(ascii: "-")
        let p = negative ? position &+ 1 : position
        if p < end {
            let length = wordNumber(wordAt(base, p, end), negative: negative, value: &value)
            if length >= 0 { return p &+ length }
        }
        return longNumber(base, position, end, value: &value)
    }

    /// `number` for every JSON number: digits 8 at a time, Clinger's fast path or Eisel-Lemire for
    /// up to 19 significant digits, the standard library beyond.
    @inline(never)
    static func longNumber(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int, value: inout Double) -> Int {
        var p = position
        let negative = base[p] == UInt8(ascii: "-")
        if negative { p &+= 1 }
        guard p < end, isDigit(base[p]) else { return -1 }
        var mantissa: UInt64 = 0
        // Significant digits (from the first nonzero one); over 19, the standard library decides.
        var digits = 0
        var exponent = 0
        if base[p] == UInt8(ascii: "0") {
            p &+= 1
            if p < end, isDigit(base[p]) { return -1 }
        } else {
            digitRun(base, &p, end, mantissa: &mantissa, digits: &digits)
        }
        if p < end, base[p] == UInt8(ascii: ".") {
            p &+= 1
            let first = p
            if mantissa == 0 {
                // Leading zeros of a fraction (0.000123) only scale the number.
                while p < end, base[p] == UInt8(ascii: "0") { p &+= 1 }
            }
            digitRun(base, &p, end, mantissa: &mantissa, digits: &digits)
            guard p > first else { return -1 }
            exponent = first &- p
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
        if digits <= 19 {
            if mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
                // Clinger's fast path: an exact integer times or over an exact power of ten, rounded once.
                var result = Double(mantissa)
                if exponent < 0 { result /= powerOfTen(-exponent) } else { result *= powerOfTen(exponent) }
                value = negative ? -result : result
                return p
            }
            if let result = EiselLemire.double(mantissa: mantissa, exponent: exponent) {
                // 17-digit shortest forms, and any exponent of normal doubles.
                value = negative ? -result : result
                return p
            }
        }
        value = slowNumber(base, position, p)
        return p
    }

    /// Reads the run of digits at `p` (8 at a time), adding them to `mantissa` and `digits` while
    /// `digits` stays within 19 (beyond, `digits` keeps counting and `mantissa` is not used).
    @inline(__always)
    private static func digitRun(_ base: UnsafePointer<UInt8>, _ p: inout Int, _ end: Int, mantissa: inout UInt64, digits: inout Int) {
        while p < end {
            let word = wordAt(base, p, end)
            let count = digitCount(word)
            if count == 0 { return }
            if digits &+ count <= 19 {
                mantissa = mantissa &* integerPowerOfTen(count) &+ digitsValue(word, count: count)
            }
            digits &+= count
            p &+= count
            if count < 8 { return }
        }
    }

    /// The 8 bytes from `position` (before `end`) as a word, zero bytes standing for those past
    /// `end`: one load, from `end - 8` and shifted when the line ends within 8 bytes (a zero byte
    /// ends any token). The line must have at least 8 bytes for the second case; else a copy.
    @inline(__always)
    static func wordAt(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> UInt64 {
        if position &+ 8 <= end { return load(base, position) }
        if end >= 8 { return load(base, end &- 8) &>> UInt64((8 &- (end &- position)) &* 8) }
        var word: UInt64 = 0
        for i in 0..<(end &- position) { word |= UInt64(base[position &+ i]) << UInt64(i &* 8) }
        return word
    }

    /// The most common number: its digits, point and the byte after it within the 8 bytes of `word`
    /// (from after the sign), so that one digit test covers it. Returns the number's length (from
    /// after the sign), or -1 when it is not of that form.
    @inline(__always)
    static func wordNumber(_ word: UInt64, negative: Bool, value: inout Double) -> Int {
        // Zero bytes are digits (see `digitCount`).
        let nonDigits = ((word & 0xF0F0_F0F0_F0F0_F0F0) | (((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) &>> 4))
            ^ 0x3333_3333_3333_3333
        // Bits of whole digit bytes (a non-digit byte's lowest set bit may be any of its 8).
        let integerBits = nonDigits.trailingZeroBitCount & ~7
        // 1 to 7 digits, no leading zero.
        guard integerBits >= 8, integerBits < 64, integerBits == 8 || word & 0xFF != 0x30 else { return -1 }
        let next = (word &>> UInt64(integerBits)) & 0xFF
        let result: Double
        var end = integerBits
        if next == UInt64(UInt8(ascii: ".")) {
            let fractionShift = integerBits &+ 8
            guard fractionShift < 64 else { return -1 }
            let fractionBits = (nonDigits &>> UInt64(fractionShift)).trailingZeroBitCount & ~7
            end = fractionShift &+ fractionBits
            // At least one digit, and the number's end within the word.
            guard fractionBits >= 8, end < 64, (word &>> UInt64(end)) & 0xDF != 0x45 else { return -1 }
            let integerPart = word & ((1 &<< UInt64(integerBits)) &- 1)
            let fractionPart = (word &>> UInt64(fractionShift)) & ((1 &<< UInt64(fractionBits)) &- 1)
            // At most 7 digits: exact as a double, and one correctly rounded division (Clinger).
            let mantissa = digitsValue(integerPart | (fractionPart &<< UInt64(integerBits)), count: (integerBits &+ fractionBits) &>> 3)
            result = Double(Int64(bitPattern: mantissa)) / powerOfTen(fractionBits &>> 3)
        } else {
            guard next & 0xDF != 0x45 else { return -1 }
            result = Double(Int64(bitPattern: digitsValue(word, count: integerBits &>> 3)))
        }
        value = Double(bitPattern: result.bitPattern | (negative ? 1 << 63 : 0))
        return end &>> 3
    }

    /// Correctly rounded by the standard library (long mantissas, large exponents).
    static func slowNumber(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double {
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return .infinity }
        return value
    }
}
