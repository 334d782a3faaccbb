import Glibc

/// Reads a candidate's `metrics.json`: a regular file (not a symlink) of at most 1 MiB holding one
/// JSON object whose values are all finite numbers, with no key twice.
///
/// A small dedicated parser rather than JSONSerialization, because that one silently keeps one of
/// two duplicate keys and cannot say where the text goes wrong.
enum MetricsFile {
    /// The largest file accepted.
    static let maximumSize = 1 << 20

    /// The metrics, or the reason the file is not acceptable.
    static func read(_ path: String) -> Result<[String: Double], ReadFailure> {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            switch errno {
            case ENOENT: return .failure(ReadFailure("the command left no metrics.json in its workdir (\(path))"))
            case ELOOP: return .failure(ReadFailure("\(path) is a symbolic link; metrics.json must be a regular file"))
            default: return .failure(ReadFailure("cannot open \(path): \(String(cString: strerror(errno)))"))
            }
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return .failure(ReadFailure("\(path) is not a regular file"))
        }
        guard Int(info.st_size) <= maximumSize else {
            return .failure(ReadFailure("\(path) is \(info.st_size) bytes, more than the \(maximumSize) allowed"))
        }
        var bytes = [UInt8](repeating: 0, count: maximumSize + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes[count...].withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure("cannot read \(path): \(String(cString: strerror(errno)))"))
            }
            if got == 0 { break }
            count += got
        }
        guard count <= maximumSize else {
            return .failure(ReadFailure("\(path) is more than the \(maximumSize) bytes allowed"))
        }
        var parser = Parser(bytes: bytes[0..<count])
        do {
            return .success(try parser.parseObject())
        } catch {
            return .failure(ReadFailure("\(path) is not a JSON object of metric names to numbers: \(error.message)"))
        }
    }

    /// Why a metrics file was refused, in words.
    struct ReadFailure: Error, Equatable {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// Parses exactly `{ "name": number, ... }` (RFC 8259 grammar), whitespace allowed.
    struct Parser {
        let bytes: ArraySlice<UInt8>
        var index: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            self.index = bytes.startIndex
        }

        struct Failure: Error {
            let message: String
        }

        private func fail(_ what: String) -> Failure {
            Failure(message: "\(what) at byte \(index - bytes.startIndex)")
        }

        private var current: UInt8? { index < bytes.endIndex ? bytes[index] : nil }

        private mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        private mutating func expect(_ character: Character) throws(Failure) {
            skipWhitespace()
            guard current == character.asciiValue else {
                throw fail(current == nil ? "expected '\(character)' but the file ended" : "expected '\(character)'")
            }
            index += 1
        }

        mutating func parseObject() throws(Failure) -> [String: Double] {
            var metrics: [String: Double] = [:]
            try expect("{")
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
            } else {
                while true {
                    skipWhitespace()
                    guard current == UInt8(ascii: "\"") else { throw fail("expected a metric name in double quotes") }
                    let name = try parseString()
                    try expect(":")
                    skipWhitespace()
                    let value = try parseNumber(for: name)
                    guard metrics.updateValue(value, forKey: name) == nil else {
                        throw fail("\"\(name)\" appears twice")
                    }
                    skipWhitespace()
                    if current == UInt8(ascii: ",") { index += 1; continue }
                    try expect("}")
                    break
                }
            }
            skipWhitespace()
            guard current == nil else { throw fail("unexpected text after the object") }
            return metrics
        }

        private mutating func parseString() throws(Failure) -> String {
            index += 1  // opening quote
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll()
            }
            while true {
                guard let byte = current else { throw fail("unterminated string") }
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush()
                    guard let escaped = current else { throw fail("unterminated string") }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): raw.append(escaped)
                    case UInt8(ascii: "b"): raw.append(0x08)
                    case UInt8(ascii: "f"): raw.append(0x0C)
                    case UInt8(ascii: "n"): raw.append(0x0A)
                    case UInt8(ascii: "r"): raw.append(0x0D)
                    case UInt8(ascii: "t"): raw.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try parseHex4()
                        if (0xD800..<0xDC00).contains(code), current == UInt8(ascii: "\\"),
                            index + 1 < bytes.endIndex, bytes[index + 1] == UInt8(ascii: "u") {
                            index += 2
                            let low = try parseHex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw fail("invalid surrogate pair") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default:
                        throw fail("invalid escape")
                    }
                default:
                    guard byte >= 0x20 else { throw fail("control character in a string") }
                    raw.append(byte)
                }
            }
        }

        private mutating func parseHex4() throws(Failure) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = current, let digit = Character(UnicodeScalar(byte)).hexDigitValue else {
                    throw fail("invalid \\u escape")
                }
                value = value * 16 + UInt32(digit)
                index += 1
            }
            return value
        }

        private mutating func parseNumber(for name: String) throws(Failure) -> Double {
            let start = index
            func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
            if current == UInt8(ascii: "-") { index += 1 }
            if current == UInt8(ascii: "0") {
                index += 1
            } else if isDigit(current) {
                while isDigit(current) { index += 1 }
            } else {
                index = start
                throw fail("the value of \"\(name)\" is \(describeValue()), not a number")
            }
            if current == UInt8(ascii: ".") {
                index += 1
                guard isDigit(current) else { throw fail("invalid number for \"\(name)\"") }
                while isDigit(current) { index += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard isDigit(current) else { throw fail("invalid number for \"\(name)\"") }
                while isDigit(current) { index += 1 }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            guard let value = Double(text), value.isFinite else {
                throw fail("the value of \"\(name)\" (\(text)) is not a finite number")
            }
            return value
        }

        /// What kind of non-number value starts at the current byte, for the error message.
        private func describeValue() -> String {
            switch current {
            case UInt8(ascii: "\""): "a string"
            case UInt8(ascii: "{"): "an object"
            case UInt8(ascii: "["): "an array"
            case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean or invalid"
            case UInt8(ascii: "n"): "null or invalid"
            case UInt8(ascii: "N"), UInt8(ascii: "I"): "NaN or Infinity (not JSON)"
            case nil: "missing"
            default: "invalid"
            }
        }
    }
}
