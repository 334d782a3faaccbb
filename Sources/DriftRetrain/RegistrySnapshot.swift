/// What a registry folder held at one moment, for ``WorkdirGuard``: per path its type, size,
/// modification time (ns), inode and symlink target.
public struct RegistrySnapshot: Sendable, Equatable {
    /// One path's recorded state.
    struct Entry: Sendable, Equatable {
        var type: UInt32
        var size: Int64
        var modifiedNanoseconds: Int64
        var inode: UInt64
        var symlinkTarget: String?
    }

    var entries: [String: Entry]

    /// The paths recorded, sorted.
    public var paths: [String] { entries.keys.sorted() }
}
