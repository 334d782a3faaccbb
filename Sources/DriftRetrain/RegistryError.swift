/// A registry operation that failed: which path, and why in words.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    /// The file or folder the operation was working on.
    public var path: String
    /// What went wrong, e.g. "no such version" or the system's error text.
    public var message: String

    /// Creates an error for `path`.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// "PATH: MESSAGE".
    public var description: String { "\(path): \(message)" }
}
