/// Why a listen address was refused: a `--listen` value that does not parse, or a host that is not
/// loopback without `allowNonLoopback`.
public struct ListenAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Sendable, Equatable {
        /// No `:PORT` after the host.
        case missingPort = "missing_port"
        /// The port is not a number from 0 to 65535.
        case invalidPort = "invalid_port"
        /// Nothing before the `:`.
        case emptyHost = "empty_host"
        /// An IPv6 address without its brackets (`[::1]:9464`), or a bracket not closed.
        case malformedIPv6 = "malformed_ipv6"
        /// A host outside 127.0.0.0/8, ::1 and localhost, without `allowNonLoopback`.
        case nonLoopbackHost = "non_loopback_host"
    }

    public var code: Code
    /// The value as the user gave it (`--listen` argument, or `host:port`).
    public var input: String
    /// A sentence for people.
    public var message: String

    public init(code: Code, input: String, message: String) {
        self.code = code
        self.input = input
        self.message = message
    }

    public var description: String { "invalid listen address '\(input)': \(message)" }
}
