/// `driftd status` could not get the daemon's status.
public struct StatusClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Equatable {
        /// Nothing answered (the daemon is not running, or listens elsewhere).
        case unreachable
        /// The daemon answered with a status other than 200.
        case httpStatus = "http_status"
        /// The answer is not a `DaemonStatus`.
        case invalidResponse = "invalid_response"
    }

    public var code: Code
    /// The URL requested.
    public var url: String
    /// A sentence for people.
    public var message: String

    public init(code: Code, url: String, message: String) {
        self.code = code
        self.url = url
        self.message = message
    }

    public var description: String { "\(url): \(message)" }
}
