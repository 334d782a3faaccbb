import Glibc

/// A file as the kernel knows it: device and inode. Stable across renames; reusable after the file
/// is deleted, which is why a checkpoint also keeps a fingerprint of the content.
public struct FileIdentity: Codable, Sendable, Hashable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    init(_ status: stat) {
        self.init(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    public var description: String { "\(device):\(inode)" }
}
