import Glibc

/// A file that could not be opened, examined or read, with where it happened.
public struct IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed.
    public enum Code: String, Sendable {
        case open, status, read, watch
    }

    public var code: Code
    public var path: String
    /// The file offset of a failed read.
    public var offset: Int64?
    public var message: String
    /// `errno` of the failed call.
    public var systemError: Int32?

    public init(code: Code, path: String, offset: Int64? = nil, message: String, systemError: Int32? = nil) {
        self.code = code
        self.path = path
        self.offset = offset
        self.message = message
        self.systemError = systemError
    }

    /// From the current `errno`.
    static func system(_ code: Code, path: String, offset: Int64? = nil, errno number: Int32 = errno) -> IngestError {
        let verb = switch code {
        case .open: "cannot open"
        case .status: "cannot stat"
        case .read: "cannot read"
        case .watch: "cannot watch"
        }
        return IngestError(code: code, path: path, offset: offset,
                           message: "\(verb): \(String(cString: strerror(number)))", systemError: number)
    }

    public var description: String {
        if let offset { return "\(path): offset \(offset): \(message)" }
        return "\(path): \(message)"
    }
}
