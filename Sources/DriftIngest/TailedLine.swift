/// A line handed out by `Tailer.poll`. The bytes are valid only during the call.
public enum TailedLine {
    /// A complete line without its `\n`.
    case complete(UnsafeBufferPointer<UInt8>, path: String, lineNumber: Int)
    /// A line of at least `Configuration.maximumLineLength` bytes, skipped without being buffered.
    case tooLong(length: Int, path: String, lineNumber: Int)

    /// The path of the file the line is in.
    public var path: String {
        switch self {
        case .complete(_, let path, _), .tooLong(_, let path, _): path
        }
    }

    /// The line's 1-based number in its file.
    public var lineNumber: Int {
        switch self {
        case .complete(_, _, let number), .tooLong(_, _, let number): number
        }
    }
}
