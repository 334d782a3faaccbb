import Glibc

/// One file a `Tailer` knows: its identity, its open descriptor, and how far it has been read.
/// Owned by one tailer; closes its descriptor when dropped.
final class TailedFile {
    /// What the tailer does with the file.
    enum Role: Equatable {
        /// Read from `offset`.
        case reading
        /// A copy of another tracked file (its first bytes are that file's): not read until the
        /// original is truncated or gone, then it continues at the original's offset.
        case following(FileIdentity)
        /// New, and so far its bytes are a prefix of another file's first bytes (or it is empty):
        /// it may yet turn out to be a copy. Not read until that is decided.
        case undecided
    }

    let identity: FileIdentity
    var path: String
    var descriptor: Int32
    var role: Role
    /// Just after the last line handed out.
    var offset: Int64 = 0
    var lineNumber = 0
    /// The end of what has been read (at least `offset`); the file is truncated when it becomes
    /// shorter than this.
    var frontier: Int64 = 0
    /// Inside a line too long to buffer, which started at `offset`; `frontier` is how far it has been skipped.
    var skipping = false
    /// The last read reached the end of the file at `frontier`; nothing to do until it grows.
    var exhausted = false
    /// The first `min(size, fingerprintBytes)` bytes, as far as the file has been seen (whether
    /// or not they were handed out: a file only grows, so they stay what they are until it is
    /// truncated). They identify its copy.
    var head: [UInt8] = []
    /// The `min(offset, fingerprintBytes)` bytes just before `offset`.
    var tail: [UInt8] = []
    /// While skipping a long line: its last bytes so far.
    var skippedTail: [UInt8] = []
    /// Size and modification time at the last `fstat`.
    var size: Int64 = 0
    var modified: timespec
    /// Whether the pattern matched this file at the last poll.
    var matchesPattern = true
    /// Whether it has no name left (`st_nlink == 0`).
    var deleted = false
    /// Monotonic time of the last change in size (or of discovery).
    var lastChange: Duration
    /// Monotonic time at which everything in the file had last been read.
    var caughtUpAt: Duration

    init(identity: FileIdentity, path: String, descriptor: Int32, status: stat, role: Role, now: Duration) {
        self.identity = identity
        self.path = path
        self.descriptor = descriptor
        self.role = role
        self.size = Int64(status.st_size)
        self.modified = status.st_mtim
        self.lastChange = now
        self.caughtUpAt = now
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Restarts reading at `offset` 0 (new content).
    func restartAtZero() {
        offset = 0
        lineNumber = 0
        frontier = 0
        skipping = false
        exhausted = false
        head = []
        tail = []
        skippedTail = []
    }

    /// Continues at a verified position, `head` and `tail` read from the file.
    func resume(offset: Int64, lineNumber: Int, head: [UInt8], tail: [UInt8]) {
        restartAtZero()
        self.offset = offset
        self.lineNumber = lineNumber
        self.frontier = offset
        self.head = head
        self.tail = tail
    }

    /// What identifies a copy of this file: `head` when it is `fingerprintBytes` long, else `head`
    /// up to its last line end (the first bytes of a line still being written, `{"id":"p` or
    /// `n-`, begin many files). Empty when the file has shown neither.
    func identifyingHead(fingerprintBytes: Int) -> ArraySlice<UInt8> {
        if head.count >= fingerprintBytes { return head[...] }
        guard let end = head.lastIndex(of: 0x0A) else { return [] }
        return head[...end]
    }

    /// The state after the last line handed out.
    var checkpoint: FileCheckpoint {
        let copyOf: FileIdentity? = if case .following(let original) = role { original } else { nil }
        return FileCheckpoint(device: identity.device, inode: identity.inode,
                              fingerprint: head.isEmpty ? 0 : ContentHash.fnv1a(head), fingerprintLength: head.count,
                              offset: offset, lineNumber: lineNumber, path: path,
                              tailHash: tail.isEmpty ? 0 : ContentHash.fnv1a(tail), tailLength: tail.count,
                              copyOf: copyOf)
    }
}
