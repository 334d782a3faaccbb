/// Which output stream of a command a line came from.
public enum OutputStreamName: String, Sendable {
    /// The command's standard output.
    case stdout
    /// The command's standard error.
    case stderr
}
