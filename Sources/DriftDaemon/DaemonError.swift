/// Why the daemon cannot start or reload: a message, and rule diagnostics (`FILE:LINE:COL: error: ...`).
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var diagnostics: [String] = []

    public init(message: String, diagnostics: [String] = []) {
        self.message = message
        self.diagnostics = diagnostics
    }

    public var description: String { ([message] + diagnostics).joined(separator: "\n") }
}
