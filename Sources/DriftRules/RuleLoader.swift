import Foundation

/// Loads rule files: reads, parses with source positions, validates, and returns either the
/// typed `MonitorRule` or every `Diagnostic` found.
public enum RuleLoader {
    /// Rule files larger than this are refused (a rule file is a few kilobytes; this stops `/dev/zero`).
    public static let maximumFileSize = 1 << 20

    /// Validates rule text. `path` names the file in diagnostics and anchors relative paths.
    public static func load(bytes: [UInt8], path: String) -> Result<MonitorRule, DiagnosticList> {
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
