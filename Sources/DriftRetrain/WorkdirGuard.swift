import Foundation
import Glibc

/// Detects a command that wrote outside its workdir: a snapshot (path, type, size, mtime ns, inode, symlink target) of ROOT minus ROOT/work, taken before and after the attempt, plus any symlink inside the workdir whose target resolves outside it.
///
/// Limits: it watches the registry folder only (`audit.jsonl` may grow, since the daemon appends to it
/// during an attempt, but not be replaced or shrink), not the rest of the file system: keeping a command
/// from writing elsewhere needs a sandbox (a separate user, a read-only bind mount, systemd's
/// `ReadWritePaths=`). It also does not watch other attempts' folders under ROOT/work. A write that
/// leaves size, mtime and inode unchanged (mtime reset with `touch -d`) is not seen.
public struct WorkdirGuard: Sendable {
    let registryRoot: String
    let workdir: String

    /// A guard for one attempt's `workdir` inside the registry at `registryRoot`.
    public init(registryRoot: String, workdir: String) {
        self.registryRoot = registryRoot
        self.workdir = workdir
    }

    /// Records the registry folder, except ROOT/work.
    public func snapshot() -> RegistrySnapshot {
        var entries: [String: RegistrySnapshot.Entry] = [:]
        let excluded = registryRoot + "/work"
        func visit(_ path: String) {
            guard path != excluded else { return }
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            let type = UInt32(info.st_mode & S_IFMT)
            entries[path] = RegistrySnapshot.Entry(
                type: type,
                size: Int64(info.st_size),
                modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                inode: UInt64(info.st_ino),
                symlinkTarget: type == UInt32(S_IFLNK) ? Self.readLink(path) : nil
            )
            if type == UInt32(S_IFDIR) {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                    visit(path + "/" + name)
                }
            }
        }
        visit(registryRoot)
        return RegistrySnapshot(entries: entries)
    }

    /// Paths changed, added or removed outside the workdir since `before`, and symlinks in the workdir that escape it; empty when clean.
    ///
    /// Each finding is "PATH: what happened", e.g. "/r/versions/1/model.bin: changed" or
    /// "/r/work/e-1-a-1/link: symlink to /etc/passwd, outside the workdir"; sorted by path.
    public func violations(since before: RegistrySnapshot) -> [String] {
        let after = snapshot()
        var findings: [String] = []
        for path in Set(before.entries.keys).union(after.entries.keys).sorted() {
            switch (before.entries[path], after.entries[path]) {
            case (nil, .some): findings.append("\(path): added")
            case (.some, nil): findings.append("\(path): removed")
            case (.some(let old), .some(let new)) where old != new:
                // The daemon appends to the audit log while an attempt runs (triggers it suppresses): growth is not a violation.
                let appended = path == registryRoot + "/audit.jsonl" && old.inode == new.inode && old.type == new.type && new.size >= old.size
                if !appended { findings.append("\(path): changed") }
            default: break
            }
        }
        return findings + escapingSymlinks()
    }

    /// Symlinks under the workdir whose target, resolved, lies outside it.
    ///
    /// A link that resolves is judged by realpath(3) (so chains and `..` through other links are
    /// followed); a dangling one by its target taken lexically.
    func escapingSymlinks() -> [String] {
        guard let base = Self.realPath(workdir) else { return [] }
        var findings: [String] = []
        func visit(_ directory: String) {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
            for name in names {
                let path = directory + "/" + name
                switch FileSystemCalls.fileType(path) {
                case S_IFDIR:
                    visit(path)
                case S_IFLNK:
                    let target = Self.readLink(path) ?? ""
                    let resolved = Self.realPath(path) ?? Self.normalize(target.hasPrefix("/") ? target : directory + "/" + target)
                    if resolved != base && !resolved.hasPrefix(base + "/") {
                        findings.append("\(path): symlink to \(target), outside the workdir")
                    }
                default:
                    break
                }
            }
        }
        visit(base)
        return findings
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(path, &buffer, buffer.count - 1)
        guard length >= 0 else { return nil }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Removes `.`, `..` and empty components of an absolute path without touching the file system.
    static func normalize(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/") {
            if component == "." { continue }
            if component == ".." { _ = components.popLast(); continue }
            components.append(component)
        }
        return "/" + components.joined(separator: "/")
    }
}
