public import DriftEngine
import Glibc

/// Follows the files that match one glob pattern (a monitor's predictions or labels), as Vector's
/// file source and Fluent Bit's `in_tail` do, and hands out their complete lines in order.
///
/// - Files are read oldest first (modification time, then name, as `StreamFiles` orders them for
///   `driftd replay`); files that appear later are read after them.
/// - A file is known by device+inode, so a renamed (rotated) file is read to its end and never
///   again, even under a name the pattern does not match; it is closed once it has been idle for
///   `Configuration.rotateWait`, or at once when it is deleted and read to its end.
/// - A file that becomes shorter than what was read (copytruncate, `> file`) is read again from 0,
///   after the lines it had not handed out are looked for in its copy (a file in the same folder
///   whose name starts like it and whose content matches up to the old offset).
/// - Checkpoints restore all this after a restart (see `FileCheckpoint` for when they are trusted).
///
/// Not thread-safe: one thread polls it.
public final class Tailer {
    /// Limits and timings, with defaults for the daemon.
    public struct Configuration: Sendable {
        /// Lines of at least this many bytes are reported as `.tooLong` and skipped, never buffered whole.
        public var maximumLineLength: Int
        /// Size of one read (the buffer grows up to `maximumLineLength` for a long line).
        public var readSize: Int
        /// How many first bytes identify a file's content (and how many bytes before the offset are checked).
        public var fingerprintBytes: Int
        /// How long a file that left the pattern (rotated by rename) is kept open after its last
        /// growth, for a writer that has not reopened its log yet (Fluent Bit's `rotate_wait`).
        public var rotateWait: Duration
        /// Monotonic clock (injected so tests need no sleeps).
        public var now: @Sendable () -> Duration

        public init(maximumLineLength: Int = LineReader.maximumLineLength, readSize: Int = 256 << 10,
                    fingerprintBytes: Int = 256, rotateWait: Duration = .seconds(5),
                    now: @escaping @Sendable () -> Duration = { Configuration.monotonicNow() }) {
            precondition(maximumLineLength > 0 && readSize > 0 && fingerprintBytes > 0)
            self.maximumLineLength = maximumLineLength
            self.readSize = min(readSize, maximumLineLength)
            self.fingerprintBytes = fingerprintBytes
            self.rotateWait = rotateWait
            self.now = now
        }

        /// `CLOCK_MONOTONIC`, the default clock.
        public static func monotonicNow() -> Duration {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
        }
    }

    /// The glob pattern (absolute, or relative to the working directory).
    public let pattern: String
    let configuration: Configuration
    /// Known files in reading order.
    var files: [TailedFile] = []
    /// Checkpoints given to `init`, resolved at the first poll.
    var pendingCheckpoints: [FileCheckpoint]?
    var pendingNotices: [TailNotice] = []
    /// Read buffer shared by all files (its bytes are what `.complete` lines point into).
    var scratch: [UInt8]

    /// A tailer that resumes from `checkpoints` (those of an earlier tailer for the same pattern,
    /// in its order). No file is touched before the first `poll`.
    public init(pattern: String, checkpoints: [FileCheckpoint], configuration: Configuration = .init()) {
        self.pattern = pattern
        self.configuration = configuration
        self.pendingCheckpoints = checkpoints
        self.scratch = [UInt8](repeating: 0, count: configuration.readSize)
    }

    /// Hands out the complete lines available now, in order, at most `limit` (0 only looks for
    /// files); returns how many were handed out. A last line without its `\n` is never handed out
    /// (a writer may be in the middle of it).
    ///
    /// On error, the lines handed out before it stay handed out and `checkpoints` include them. A
    /// file that cannot be opened does not hold up the others: it is skipped and its error is
    /// thrown at the end of the poll (it is tried again at the next).
    public func poll(limit: Int, _ handle: (TailedLine) -> Void) throws(IngestError) -> Int {
        let now = configuration.now()
        var deferredError: IngestError?
        defer { settle(now: now) }
        try refresh(now: now, deferredError: &deferredError)
        var handed = 0
        for file in files where handed < limit && file.role == .reading && !file.exhausted {
            handed += try read(file, limit: limit - handed, handle)
        }
        if let deferredError { throw deferredError }
        return handed
    }

    /// The state after the last line handed out, one checkpoint per known file in reading order
    /// (what the daemon commits). Files deleted or rotated away and read to their end are pruned.
    public var checkpoints: [FileCheckpoint] {
        pendingCheckpoints ?? files.map(\.checkpoint)
    }

    /// Per file being read: bytes not yet handed out and how long they have waited, as of the last poll.
    public var lag: [FileLag] {
        let now = configuration.now()
        return files.filter { $0.role == .reading }.map { file in
            let unread = max(file.size, file.frontier) - file.offset
            let waited = file.exhausted || unread == 0 ? .zero : now - file.caughtUpAt
            return FileLag(path: file.path, unreadBytes: unread, seconds: waited.seconds)
        }
    }

    /// What happened since the last call that an operator may want logged (truncations,
    /// checkpoints not trusted, lines recovered from a copy).
    public func takeNotices() -> [TailNotice] {
        defer { pendingNotices = [] }
        return pendingNotices
    }

    /// The index of the file with `identity`.
    func index(of identity: FileIdentity) -> Int? {
        files.firstIndex { $0.identity == identity }
    }

    func notice(_ kind: TailNotice.Kind, _ file: TailedFile, offset: Int64, _ message: String) {
        pendingNotices.append(TailNotice(kind: kind, path: file.path, offset: offset, message: message))
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
