/// Where reading of one file stands. The daemon stores it in the same SQLite transaction as the
/// engine state it fed, so that a restart resumes exactly after the last line that state has seen.
///
/// A saved offset is trusted only when the file found by `device`+`inode` is at least `offset`
/// bytes long, its first `fingerprintLength` bytes hash to `fingerprint`, and the `tailLength`
/// bytes just before `offset` hash to `tailHash` (as Vector's and Fluent Bit's tailers do); any
/// mismatch means the inode was reused or the file rewritten, and it is read again from 0.
public struct FileCheckpoint: Codable, Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    /// FNV-1a hash of the first `fingerprintLength` bytes of the file.
    public var fingerprint: UInt64
    /// How many bytes `fingerprint` covers: the file's first `Configuration.fingerprintBytes`
    /// bytes, or as many as it had when last seen (0 for an empty file).
    public var fingerprintLength: Int
    /// Bytes consumed: just after the last line handed out.
    public var offset: Int64
    /// 1-based number of the last line handed out in this file (0 before the first).
    public var lineNumber: Int
    /// Last known path (a rotated file keeps its identity under a new name).
    public var path: String
    /// FNV-1a hash of the `tailLength` bytes just before `offset`.
    public var tailHash: UInt64
    /// `min(offset, Configuration.fingerprintBytes)`.
    public var tailLength: Int
    /// Set while this file is a copy of another tracked file (copytruncate's copy seen before the
    /// truncation): it is not read until its original is truncated or gone, then it takes over the
    /// original's offset.
    public var copyOf: FileIdentity?

    public init(device: UInt64, inode: UInt64, fingerprint: UInt64, fingerprintLength: Int, offset: Int64,
                lineNumber: Int, path: String, tailHash: UInt64, tailLength: Int, copyOf: FileIdentity? = nil) {
        self.device = device
        self.inode = inode
        self.fingerprint = fingerprint
        self.fingerprintLength = fingerprintLength
        self.offset = offset
        self.lineNumber = lineNumber
        self.path = path
        self.tailHash = tailHash
        self.tailLength = tailLength
        self.copyOf = copyOf
    }

    /// Device and inode.
    public var identity: FileIdentity { FileIdentity(device: device, inode: inode) }
}
