import Glibc

/// A validating, allocation-free JSON tokenizer over one line's bytes: the record hot path.
///
/// Foundation's decoders parse about 45k prediction lines/s here; this reader goes straight from
/// bytes to numbers and byte ranges, and the record parsers put values into columns without
/// building dictionaries. Everything it skips is still validated, so a broken line is malformed.
struct JSONLineReader: ~Copyable {
    /// A scalar value, or a note that a composite value was validated and skipped.
    enum Token {
        case number(Double)
        /// `NaN`, `Infinity`, `-Infinity` (which Python's json writes), or a number beyond Double's range.
        case nonFiniteNumber
        case string(Range<Int>, escaped: Bool)
        case bool(Bool)
        case null
        case object
        case array
    }

    /// Why a line is malformed.
    struct Failure: Error {
        var message: String
        var offset: Int
    }

    static let maximumDepth = 128

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position >= bytes.count }

    func fail(_ message: String) -> Failure { Failure(message: message, offset: position) }

    @inline(__always)
    mutating func skipWhitespace() {
        var p = position
        let end = bytes.count
        while p < end {
            let byte = bytes[p]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A else { break }
            p += 1
        }
        position = p
    }

    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// Reads `{`; returns false if the line is not an object.
    mutating func beginObject() -> Bool { consume(UInt8(ascii: "{")) }

    /// Reads the next key of an object (after `{` or a previous value), or nil at `}`.
    /// `first` tells whether this is the first key (no comma expected).
    mutating func nextKey(first: Bool) throws(Failure) -> (range: Range<Int>, escaped: Bool)? {
        skipWhitespace()
        guard position < bytes.count else { throw fail("unexpected end of line in an object") }
        if bytes[position] == UInt8(ascii: "}") {
            position += 1
            return nil
        }
        if !first {
            guard bytes[position] == UInt8(ascii: ",") else { throw fail("expected ',' or '}' in an object") }
            position += 1
            skipWhitespace()
        }
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a key in double quotes") }
        let key = try readStringBody()
        guard consume(UInt8(ascii: ":")) else { throw fail("expected ':' after a key") }
        return key
    }

    /// Reads a value; objects and arrays are validated and skipped.
    mutating func readValue(depth: Int = 0) throws(Failure) -> Token {
        skipWhitespace()
        guard position < bytes.count else { throw fail("unexpected end of line, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            let (range, escaped) = try readStringBody()
            return .string(range, escaped: escaped)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if bytes[position] == UInt8(ascii: "-"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "I") {
                position += 1
                try expect("Infinity")
                return .nonFiniteNumber
            }
            return try readNumber()
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "N"): try expect("NaN"); return .nonFiniteNumber
        case UInt8(ascii: "I"): try expect("Infinity"); return .nonFiniteNumber
        case UInt8(ascii: "{"):
            try skipComposite(depth: depth)
            return .object
        case UInt8(ascii: "["):
            try skipComposite(depth: depth)
            return .array
        default:
            throw fail("unexpected character, expected a value")
        }
    }

    /// After reading a value of an object member whose object is `features`: enters it.
    mutating func expectEnd() throws(Failure) {
        skipWhitespace()
        guard position == bytes.count else { throw fail("unexpected text after the JSON object") }
    }

    private mutating func expect(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw fail("invalid literal") }
        for i in 0..<count where bytes[position + i] != word.utf8Start[i] {
            throw fail("invalid literal")
        }
        position += count
    }

    private mutating func skipComposite(depth: Int) throws(Failure) {
        guard depth < Self.maximumDepth else { throw fail("nesting is deeper than \(Self.maximumDepth) levels") }
        if bytes[position] == UInt8(ascii: "{") {
            position += 1
            var first = true
            while try nextKey(first: first) != nil {
                first = false
                _ = try readValue(depth: depth + 1)
            }
        } else {
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return
            }
            while true {
                _ = try readValue(depth: depth + 1)
                skipWhitespace()
                guard position < bytes.count else { throw fail("unexpected end of line in an array") }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return }
                guard bytes[position] == UInt8(ascii: ",") else { throw fail("expected ',' or ']' in an array") }
                position += 1
            }
        }
    }

    /// Reads a string starting at the opening quote; returns the range of its body (without quotes).
    private mutating func readStringBody() throws(Failure) -> (Range<Int>, Bool) {
        let base = bytes.baseAddress!
        let end = bytes.count
        var p = position + 1
        let start = p
        var escaped = false
        defer { position = p }
        while p < end {
            // Skip 8 plain bytes at a time (SWAR): stop at the first quote, backslash or control character.
            while p + 8 <= end {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self))
                let special = Self.zeroBytes(word ^ 0x2222_2222_2222_2222) | Self.zeroBytes(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                    | ((word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080)
                if special == 0 {
                    p += 8
                    continue
                }
                p += special.trailingZeroBitCount / 8
                break
            }
            guard p < end else { break }
            let byte = base[p]
            if byte == UInt8(ascii: "\"") {
                p += 1
                return (start..<(p - 1), escaped)
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                p += 1
                guard p < end else { break }
                switch base[p] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    p += 1
                case UInt8(ascii: "u"):
                    guard p + 4 < end else { throw Failure(message: "invalid \\u escape", offset: p) }
                    for i in 1...4 where !Self.isHexDigit(base[p + i]) { throw Failure(message: "invalid \\u escape", offset: p) }
                    p += 5
                default:
                    throw Failure(message: "invalid escape in a string", offset: p)
                }
                continue
            }
            if byte < 0x20 { throw Failure(message: "control character in a string", offset: p) }
            p += 1
        }
        throw Failure(message: "unterminated string", offset: p)
    }

    /// The high bit of each byte of `word` that is zero (exact for the lowest such byte).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// Reads a JSON number. Exact: the common short decimals take Clinger's fast path (a mantissa
    /// below 2^53 scaled by an exact power of ten), everything else is correctly rounded by the stdlib.
    private mutating func readNumber() throws(Failure) -> Token {
        let base = bytes.baseAddress!
        let end = bytes.count
        let start = position
        var p = position
        defer { position = p }
        @inline(__always) func digitAt(_ i: Int) -> Bool { i < end && base[i] &- 0x30 < 10 }
        var negative = false
        if base[p] == UInt8(ascii: "-") {
            negative = true
            p += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        guard digitAt(p) else { throw Failure(message: "invalid number", offset: p) }
        if base[p] == UInt8(ascii: "0") {
            p += 1
            if digitAt(p) { throw Failure(message: "invalid number (leading zero)", offset: p) }
        } else {
            while digitAt(p) {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(base[p] &- 0x30) } else { exponent += 1 }
                digits += 1
                p += 1
            }
        }
        if p < end, base[p] == UInt8(ascii: ".") {
            p += 1
            guard digitAt(p) else { throw Failure(message: "invalid number (no digit after '.')", offset: p) }
            while digitAt(p) {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(base[p] &- 0x30)
                    exponent -= 1
                    if mantissa != 0 || digits > 0 { digits += 1 }
                } else {
                    digits += 1
                }
                p += 1
            }
        }
        var explicitExponent = 0
        if p < end, base[p] | 0x20 == UInt8(ascii: "e") {
            p += 1
            var exponentNegative = false
            if p < end, base[p] == UInt8(ascii: "+") || base[p] == UInt8(ascii: "-") {
                exponentNegative = base[p] == UInt8(ascii: "-")
                p += 1
            }
            guard digitAt(p) else { throw Failure(message: "invalid number (empty exponent)", offset: p) }
            while digitAt(p) {
                if explicitExponent < 100_000 { explicitExponent = explicitExponent * 10 + Int(base[p] &- 0x30) }
                p += 1
            }
            if exponentNegative { explicitExponent = -explicitExponent }
        }
        let scale = exponent + explicitExponent
        if digits <= 19, mantissa <= (1 << 53), scale >= -22, scale <= 22 {
            var value = Double(mantissa)
            if scale < 0 { value /= Self.powersOfTen[-scale] } else { value *= Self.powersOfTen[scale] }
            return .number(negative ? -value : value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<p]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return .nonFiniteNumber }
        return .number(value)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The decoded text of a string token.
    func string(_ range: Range<Int>, escaped: Bool) -> String {
        let body = UnsafeBufferPointer(rebasing: bytes[range])
        guard escaped else { return String(decoding: body, as: UTF8.self) }
        return Self.unescape(body)
    }

    /// Whether a string token's bytes equal `expected` (keys without escapes compare bytes directly).
    func equals(_ range: Range<Int>, escaped: Bool, _ expected: [UInt8]) -> Bool {
        if escaped { return Array(string(range, escaped: true).utf8) == expected }
        guard range.count == expected.count else { return false }
        return expected.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress! + range.lowerBound, range.count) == 0 }
    }

    static func unescape(_ body: UnsafeBufferPointer<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        var i = 0
        func hex(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for k in 0..<4 {
                let b = body[at + k]
                let d: UInt8 = b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10
                value = value * 16 + UInt32(d)
            }
            return value
        }
        while i < body.count {
            let byte = body[i]
            guard byte == UInt8(ascii: "\\") else {
                run.append(byte)
                i += 1
                continue
            }
            let code = body[i + 1]
            i += 2
            switch code {
            case UInt8(ascii: "b"): run.append(0x08)
            case UInt8(ascii: "f"): run.append(0x0C)
            case UInt8(ascii: "n"): run.append(0x0A)
            case UInt8(ascii: "r"): run.append(0x0D)
            case UInt8(ascii: "t"): run.append(0x09)
            case UInt8(ascii: "u"):
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll()
                var unit = hex(i)
                i += 4
                if (0xD800..<0xDC00).contains(unit), i + 5 < body.count + 0, body[i] == UInt8(ascii: "\\"), body[i + 1] == UInt8(ascii: "u") {
                    let low = hex(i + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
            default: run.append(code)
            }
        }
        scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
        return String(scalars)
    }
}
