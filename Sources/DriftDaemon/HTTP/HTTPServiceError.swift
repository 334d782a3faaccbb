/// The HTTP service could not serve: usually the address could not be bound (in use, or not an
/// address of this machine).
public struct HTTPServiceError: Error, Sendable, CustomStringConvertible {
    /// The address the service tried to bind.
    public var address: ListenAddress
    /// A sentence for people.
    public var message: String
    /// The underlying error, as text (NIO's errors are not `Sendable`-friendly to keep).
    public var cause: String

    public init(address: ListenAddress, message: String, cause: String) {
        self.address = address
        self.message = message
        self.cause = cause
    }

    public var description: String { "HTTP on \(address): \(message): \(cause)" }
}
