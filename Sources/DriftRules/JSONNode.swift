/// A JSON value that remembers where it was written, so rule errors can point at the offending token.
public struct JSONNode: Sendable {
    /// One `"key": value` pair of an object, in file order.
    public struct Member: Sendable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: JSONNode
    }

    /// The value itself. Numbers keep their source text so that integers can be told from decimals.
    public enum Value: Sendable {
        case null
        case bool(Bool)
        case number(Double, text: String)
        case string(String)
        case array([JSONNode])
        case object([Member])
    }

    public var value: Value
    public var location: SourceLocation

    /// The JSON type name used in diagnostics ("a string", "an object", ...).
    public var typeDescription: String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The member named `key`, if this is an object that has it.
    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        return members.first { $0.key == key }?.value
    }
}
