/// A strict JSON (RFC 8259) parser that records the source location of every value and key.
///
/// Used for rule files, which people write by hand: errors name the line and column of the
/// offending token and say what was expected. Not the hot path (records use `RecordScanner`).
public struct JSONParser {
    /// Nesting deeper than this is rejected instead of risking the stack.
    public static let maximumDepth = 256

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A syntax error: where, and what was expected.
    public struct SyntaxError: Error, Sendable, Equatable {
        public var location: SourceLocation
        public var message: String
    }

    /// Parses the whole input as one JSON value; anything after it but whitespace is an error.
    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONNode {
        var parser = JSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        parser.skipWhitespace()
        let node = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.index < bytes.count {
            throw parser.unexpected(expected: "the end of the file after the JSON value")
        }
        return node
    }

    private var location: SourceLocation { SourceLocation(line: line, column: column, offset: index) }

    private func error(_ message: String, at location: SourceLocation? = nil) -> SyntaxError {
        SyntaxError(location: location ?? self.location, message: message)
    }

    /// "unexpected X, expected Y", or a note on comments when X starts one.
    private func unexpected(expected: String) -> SyntaxError {
        if index < bytes.count, bytes[index] == UInt8(ascii: "/") { return error("comments are not allowed in JSON") }
        return error("unexpected \(describeCurrent()), expected \(expected)")
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of file" }
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x20 { return "whitespace" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: advance()
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(SyntaxError) -> JSONNode {
        guard depth < Self.maximumDepth else { throw error("nesting is deeper than \(Self.maximumDepth) levels") }
        guard index < bytes.count else { throw error("unexpected end of file, expected a value") }
        let start = location
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return JSONNode(value: .string(try parseString()), location: start)
        case UInt8(ascii: "t"): try expectLiteral("true"); return JSONNode(value: .bool(true), location: start)
        case UInt8(ascii: "f"): try expectLiteral("false"); return JSONNode(value: .bool(false), location: start)
        case UInt8(ascii: "n"): try expectLiteral("null"); return JSONNode(value: .null, location: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "/"): throw error("comments are not allowed in JSON")
        case UInt8(ascii: "'"): throw error("strings must use double quotes")
        default: throw error("unexpected \(describeCurrent()), expected a value")
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(SyntaxError) {
        let start = location
        let text = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for expected in text {
            guard index < bytes.count, bytes[index] == expected else {
                throw error("invalid literal, expected '\(word)'", at: start)
            }
            advance()
        }
    }

    private mutating func parseObject(depth: Int) throws(SyntaxError) -> JSONNode {
        let start = location
        advance()
        var members: [JSONNode.Member] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            advance()
            return JSONNode(value: .object(members), location: start)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file, expected a key or '}'") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                if bytes[index] == UInt8(ascii: "}") { throw error("trailing comma before '}'") }
                throw unexpected(expected: "a key in double quotes")
            }
            let keyLocation = location
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw unexpected(expected: "':' after the key")
            }
            advance()
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            members.append(JSONNode.Member(key: key, keyLocation: keyLocation, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file, expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") { advance(); continue }
            if bytes[index] == UInt8(ascii: "}") { advance(); break }
            throw unexpected(expected: "',' or '}'")
        }
        return JSONNode(value: .object(members), location: start)
    }

    private mutating func parseArray(depth: Int) throws(SyntaxError) -> JSONNode {
        let start = location
        advance()
        var elements: [JSONNode] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            advance()
            return JSONNode(value: .array(elements), location: start)
        }
        while true {
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { throw error("trailing comma before ']'") }
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file, expected ',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") { advance(); continue }
            if bytes[index] == UInt8(ascii: "]") { advance(); break }
            throw unexpected(expected: "',' or ']'")
        }
        return JSONNode(value: .array(elements), location: start)
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        let start = location
        advance()
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            if !run.isEmpty {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll(keepingCapacity: true)
            }
        }
        while true {
            guard index < bytes.count else { throw error("unterminated string", at: start) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { advance(); break }
            if byte == 0x0A { throw error("unterminated string (a line break inside a string must be written \\n)", at: start) }
            if byte < 0x20 { throw error("control character in string, escape it") }
            if byte == UInt8(ascii: "\\") {
                let escapeLocation = location
                advance()
                guard index < bytes.count else { throw error("unterminated string", at: start) }
                let code = bytes[index]
                advance()
                switch code {
                case UInt8(ascii: "\""): run.append(0x22)
                case UInt8(ascii: "\\"): run.append(0x5C)
                case UInt8(ascii: "/"): run.append(0x2F)
                case UInt8(ascii: "b"): run.append(0x08)
                case UInt8(ascii: "f"): run.append(0x0C)
                case UInt8(ascii: "n"): run.append(0x0A)
                case UInt8(ascii: "r"): run.append(0x0D)
                case UInt8(ascii: "t"): run.append(0x09)
                case UInt8(ascii: "u"):
                    flush()
                    var unit = try parseHex4(escapeLocation)
                    if (0xD800..<0xDC00).contains(unit), index + 1 < bytes.count,
                       bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        advance(); advance()
                        let low = try parseHex4(escapeLocation)
                        if (0xDC00..<0xE000).contains(low) {
                            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            throw error("invalid surrogate pair in \\u escape", at: escapeLocation)
                        }
                    }
                    guard let scalar = Unicode.Scalar(unit) else {
                        throw error("invalid \\u escape (lone surrogate)", at: escapeLocation)
                    }
                    scalars.append(scalar)
                default:
                    throw error("invalid escape sequence in string", at: escapeLocation)
                }
                continue
            }
            run.append(byte)
            advance()
        }
        flush()
        return String(scalars)
    }

    private mutating func parseHex4(_ escapeLocation: SourceLocation) throws(SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw error("unterminated \\u escape", at: escapeLocation) }
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape, expected 4 hexadecimal digits", at: escapeLocation)
            }
            value = value * 16 + digit
            advance()
        }
        return value
    }

    private mutating func parseNumber() throws(SyntaxError) -> JSONNode {
        let start = location
        let begin = index
        func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        if bytes[index] == UInt8(ascii: "-") { advance() }
        guard isDigit(index) else { throw error("invalid number", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            advance()
            if isDigit(index) { throw error("invalid number: leading zeros are not allowed", at: start) }
        } else {
            while isDigit(index) { advance() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            advance()
            guard isDigit(index) else { throw error("invalid number: expected a digit after '.'", at: start) }
            while isDigit(index) { advance() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            advance()
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { advance() }
            guard isDigit(index) else { throw error("invalid number: expected a digit in the exponent", at: start) }
            while isDigit(index) { advance() }
        }
        let text = String(decoding: bytes[begin..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error("number \(text) is out of range", at: start)
        }
        return JSONNode(value: .number(value, text: text), location: start)
    }
}
