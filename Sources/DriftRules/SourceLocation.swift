/// A position in a text file: 1-based line and column (columns count Unicode scalars), and the byte offset.
public struct SourceLocation: Sendable, Equatable, Hashable, Codable {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }
}

/// One problem in a rule file, printed like a compiler diagnostic: `FILE:LINE:COLUMN: error: MESSAGE`.
public struct Diagnostic: Sendable, Equatable, Error, CustomStringConvertible {
    public var file: String
    public var location: SourceLocation
    public var message: String

    public init(file: String, location: SourceLocation, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String {
        "\(file):\(location.line):\(location.column): error: \(message)"
    }
}
