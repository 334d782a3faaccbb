/// Something the tailer decided that an operator may want to see in the log (the daemon logs it):
/// a checkpoint not trusted, a truncation, lines recovered from a copy.
public struct TailNotice: Sendable, Equatable, CustomStringConvertible {
    /// What happened.
    public enum Kind: String, Sendable {
        /// A checkpointed file was found neither under its path nor by inode in its folder.
        case checkpointedFileMissing
        /// The file is shorter than the checkpoint's offset: read again from 0.
        case checkpointBeyondEnd
        /// The first bytes differ from the checkpoint's fingerprint (inode reused): read from 0.
        case fingerprintChanged
        /// The bytes before the checkpoint's offset differ (file rewritten): read from 0.
        case contentChanged
        /// The file became shorter than what was read (copytruncate, `> file`): read from 0.
        case truncated
        /// The file's first bytes or the bytes before the offset changed while it grew
        /// (truncated and written past the old offset between two polls): read from 0.
        case rewritten
        /// The lines not yet read before a truncation were found in its copy and are read there.
        case resumedFromCopy
        /// A copy of a truncated file holds only lines already read from the file: not read.
        case copyAlreadyRead
        /// A file was dropped (deleted, or rotated out of the pattern) with an unterminated last line.
        case droppedUnterminatedLine
    }

    public var kind: Kind
    public var path: String
    /// The offset concerned (the checkpoint's, or how far the file had been read).
    public var offset: Int64
    public var message: String

    public var description: String { "\(path): \(message)" }
}
