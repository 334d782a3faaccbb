import DriftEngine
import Glibc
import Synchronization

/// Wakes the daemon when a watched folder changes (inotify), so that an idle daemon uses no CPU
/// between polls. It watches the folders of the patterns, not the files: rotation creates and
/// renames files, which only the folder sees. The tailer is the judge of what changed; a wake-up
/// only says "poll now".
///
/// `wait` is for one thread; `wake` and `watch` may be called from any thread.
public final class FileWatcher: Sendable {
    private struct Watches {
        var folders: [String: Int32] = [:]
        var missing: Set<String> = []
    }

    private let inotify: Int32
    /// A pipe whose write end `wake` writes a byte to (Glibc's Swift module does not offer eventfd).
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let watches = Mutex(Watches())

    /// The events that can mean new lines or new files: writes, creation, renames, deletion.
    private static let mask: UInt32 = UInt32(IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
                                             | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

    /// Watches the folders of `patterns`. A folder that does not exist yet is watched once it does
    /// (looked for again at every `wait`).
    public init(patterns: [String]) throws(IngestError) {
        let inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotify >= 0 else { throw .system(.watch, path: "inotify") }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            let number = errno
            close(inotify)
            throw .system(.watch, path: "pipe", errno: number)
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        self.inotify = inotify
        self.wakeRead = ends[0]
        self.wakeWrite = ends[1]
        watch(patterns: patterns)
    }

    deinit {
        close(inotify)
        close(wakeRead)
        close(wakeWrite)
    }

    /// Watches the folders of `patterns` instead of the current ones (after a rules reload).
    public func watch(patterns: [String]) {
        let wanted = Set(patterns.map(Self.folder(of:)))
        watches.withLock { watches in
            for (folder, descriptor) in watches.folders where !wanted.contains(folder) {
                inotify_rm_watch(inotify, descriptor)
                watches.folders[folder] = nil
            }
            watches.missing = wanted.subtracting(watches.folders.keys)
            addMissing(&watches)
        }
    }

    /// The folders being watched now (the others do not exist yet).
    public var watchedFolders: [String] {
        watches.withLock { $0.folders.keys.sorted() }
    }

    /// Waits until a watched folder changes, `wake()` is called or `timeout` passes; true unless
    /// the timeout passed (or a signal interrupted the wait).
    public func wait(timeout: Duration) -> Bool {
        watches.withLock { addMissing(&$0) }
        var descriptors = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        let (seconds, attoseconds) = timeout.components
        let milliseconds = max(0, min(Int64(Int32.max), seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000))
        guard poll(&descriptors, 2, Int32(milliseconds)) > 0 else { return false }
        var changed = false
        if descriptors[0].revents != 0 { changed = drainEvents() || changed }
        if descriptors[1].revents != 0 { changed = drainWakes() || changed }
        return changed
    }

    /// Makes the current or next `wait` return at once (shutdown, SIGHUP). Safe from any thread.
    public func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)  // a full pipe already holds a wake-up
    }

    private static func folder(of pattern: String) -> String {
        // inotify cannot watch a glob: take the deepest folder above the first glob character.
        var folder = StreamFiles.directory(of: pattern)
        while folder.contains(where: { "*?[".contains($0) }) {
            folder = StreamFiles.directory(of: folder)
        }
        return folder
    }

    private func addMissing(_ watches: inout Watches) {
        for folder in watches.missing {
            let descriptor = inotify_add_watch(inotify, folder, Self.mask)
            if descriptor >= 0 {
                watches.folders[folder] = descriptor
                watches.missing.remove(folder)
            }
        }
    }

    /// Reads every pending event; a watch the kernel removed (folder deleted) is looked for again later.
    private func drainEvents() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var any = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return any }
            any = true
            var position = 0
            buffer.withUnsafeBytes { bytes in
                while position + 16 <= count {
                    let descriptor = bytes.loadUnaligned(fromByteOffset: position, as: Int32.self)
                    let mask = bytes.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self)
                    let nameLength = bytes.loadUnaligned(fromByteOffset: position + 12, as: UInt32.self)
                    if mask & UInt32(IN_IGNORED) != 0 {
                        watches.withLock { watches in
                            if let folder = watches.folders.first(where: { $0.value == descriptor })?.key {
                                watches.folders[folder] = nil
                                watches.missing.insert(folder)
                            }
                        }
                    }
                    position += 16 + Int(nameLength)
                }
            }
        }
    }

    private func drainWakes() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64)
        var any = false
        while buffer.withUnsafeMutableBytes({ read(wakeRead, $0.baseAddress, $0.count) }) > 0 { any = true }
        return any
    }
}
