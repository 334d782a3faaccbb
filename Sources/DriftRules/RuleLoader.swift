import Foundation

/// Loads rule files: reads, parses with source positions, validates, and returns either the
/// typed `MonitorRule` or every `Diagnostic` found.
public enum RuleLoader {
    /// Rule files larger than this are refused (a rule file is a few kilobytes; this stops `/dev/zero`).
    public static let maximumFileSize = 1 << 20

    /// Validates rule text. `path` names the file in diagnostics and anchors relative paths.
    public static func load(bytes: [UInt8], path: String) -> Result<MonitorRule, DiagnosticList> {
        if let offset = firstInvalidUTF8(bytes) {
            let before = bytes[..<offset]
            let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            let location = SourceLocation(line: before.count { $0 == 0x0A } + 1,
                                          column: bytes[lineStart..<offset].count { $0 & 0xC0 != 0x80 } + 1, offset: offset)
            let message = "invalid UTF-8 (byte 0x\(String(bytes[offset], radix: 16, uppercase: true))): a rule file must be UTF-8 text"
            return .failure(DiagnosticList([Diagnostic(file: path, location: location, message: message)]))
        }
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            return .failure(DiagnosticList([Diagnostic(file: path, location: error.location, message: error.message)]))
        }
        var validator = RuleValidator(file: path)
        let rule = validator.readMonitor(root, sourcePath: path)
        if let rule, validator.diagnostics.isEmpty { return .success(rule) }
        return .failure(DiagnosticList(validator.diagnostics.sorted { $0.location.offset < $1.location.offset }))
    }

    /// The offset of the first byte that does not start a valid UTF-8 sequence (overlong forms,
    /// surrogates and code points above U+10FFFF included), or nil when the bytes are UTF-8.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let continuation: Int
            switch lead {
            case 0xC2...0xDF: continuation = 1
            case 0xE0...0xEF: continuation = 2
            case 0xF0...0xF4: continuation = 3
            default: return i
            }
            guard i + continuation < bytes.count else { return i }
            var scalar = UInt32(lead) & [0x1F, 0x0F, 0x07][continuation - 1]
            for k in 1...continuation {
                let byte = bytes[i + k]
                guard byte & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(byte & 0x3F)
            }
            if (continuation == 2 && (scalar < 0x800 || (0xD800...0xDFFF).contains(scalar)))
                || (continuation == 3 && (scalar < 0x10000 || scalar > 0x10FFFF)) {
                return i
            }
            i += continuation + 1
        }
        return nil
    }

    /// Reads and validates one rule file.
    public static func load(path: String) -> Result<MonitorRule, DiagnosticList> {
        let start = SourceLocation(line: 1, column: 1, offset: 0)
        func failure(_ message: String) -> Result<MonitorRule, DiagnosticList> {
            .failure(DiagnosticList([Diagnostic(file: path, location: start, message: message)]))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return failure("cannot read the rule file: no such file")
        }
        if isDirectory.boolValue { return failure("cannot read the rule file: it is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return failure("cannot read the rule file: permission denied or not a regular file")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
        } catch {
            return failure("cannot read the rule file: \(error.localizedDescription)")
        }
        if data.count > maximumFileSize {
            return failure("the rule file is larger than \(maximumFileSize / 1024) KiB; is it really a rule file?")
        }
        return load(bytes: [UInt8](data), path: path)
    }
}

/// The diagnostics of one rule file, in file order.
public struct DiagnosticList: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
