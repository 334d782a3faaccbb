import Foundation
import Glibc

/// Where a monitor's models live (CONTRACT §7 "Registry"): ROOT/versions/<N>/ (candidate files + metadata.json), ROOT/current (symlink to versions/<N>, switched atomically), ROOT/audit.jsonl (append-only), ROOT/work/ (attempt workdirs).
///
/// One daemon writes one registry; the operations are not meant to race with each other.
/// Everything that must survive a crash is fsynced: `metadata.json` before the candidate is moved
/// into `versions/`, the `versions` folder after it, ROOT after `current` is switched, and each audit line.
public struct ModelRegistry: Sendable {
    /// The registry folder, e.g. `STATE/registry/<monitor>`.
    public let root: String

    /// A registry at `root`; nothing is created until it is first written.
    public init(root: String) {
        self.root = root
    }

    var versionsPath: String { root + "/versions" }
    var currentPath: String { root + "/current" }
    var auditPath: String { root + "/audit.jsonl" }
    var workPath: String { root + "/work" }

    /// The folder of version `version`.
    public func versionPath(_ version: Int) -> String {
        versionsPath + "/\(version)"
    }

    /// The workdir of an attempt: ROOT/work/episode-<E>-attempt-<A>.
    public func workdirPath(episode: Int64, attempt: Int) -> String {
        workPath + "/episode-\(episode)-attempt-\(attempt)"
    }

    /// A new empty workdir for an attempt (`workdirPath`; removed and recreated if it exists). Creates ROOT as needed.
    public func makeWorkdir(episode: Int64, attempt: Int) throws(RegistryError) -> String {
        let path = workdirPath(episode: episode, attempt: attempt)
        if FileSystemCalls.fileType(path) != nil {
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                throw RegistryError(path: path, message: "cannot remove the old workdir: \(error.localizedDescription)")
            }
        }
        try FileSystemCalls.makeDirectories(path)
        return path
    }

    /// Moves the workdir to versions/<next N> (rename, same file system) and writes metadata.json there (with version filled in). N starts at 1, is one more than the highest existing.
    ///
    /// `metadata.json` is written (and fsynced) into the workdir first, replacing any the command left,
    /// so a version folder never appears without its metadata.
    public func register(workdir: String, metadata: VersionMetadata) throws(RegistryError) -> VersionMetadata {
        guard FileSystemCalls.fileType(workdir) == S_IFDIR else {
            throw RegistryError(path: workdir, message: "the workdir is missing or not a folder")
        }
        try FileSystemCalls.makeDirectories(versionsPath)
        var registered = metadata
        registered.version = (try versionNumbers().last ?? 0) + 1
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let bytes: Data
        do {
            bytes = try encoder.encode(registered)
        } catch {
            throw RegistryError(path: workdir + "/metadata.json", message: "cannot encode metadata: \(error)")
        }
        try FileSystemCalls.writeFile(Array(bytes) + [UInt8(ascii: "\n")], to: workdir + "/metadata.json")
        let destination = versionPath(registered.version)
        guard rename(workdir, destination) == 0 else {
            throw RegistryError(path: destination, message: "cannot move \(workdir) here: \(FileSystemCalls.errorText())")
        }
        try FileSystemCalls.syncDirectory(versionsPath)
        return registered
    }

    /// Points `current` at versions/<version>: a temp symlink then rename(2) over `current`, then fsync of ROOT. Throws if the version does not exist.
    ///
    /// The link's target is relative (`versions/<N>`), so the registry can be moved as a whole.
    public func promote(version: Int) throws(RegistryError) {
        let target = versionPath(version)
        guard FileSystemCalls.fileType(target) == S_IFDIR else {
            throw RegistryError(path: target, message: "no such version: \(version)")
        }
        let temporary = root + "/.current.tmp-\(getpid())"
        unlink(temporary)
        guard symlink("versions/\(version)", temporary) == 0 else {
            throw RegistryError(path: temporary, message: "cannot create symlink: \(FileSystemCalls.errorText())")
        }
        guard rename(temporary, currentPath) == 0 else {
            let text = FileSystemCalls.errorText()
            unlink(temporary)
            throw RegistryError(path: currentPath, message: "cannot switch current: \(text)")
        }
        try FileSystemCalls.syncDirectory(root)
    }

    /// The version `current` points at, nil if none.
    public func currentVersion() throws(RegistryError) -> Int? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(currentPath, &buffer, buffer.count - 1)
        if length < 0 {
            if errno == ENOENT { return nil }
            throw RegistryError(path: currentPath, message: "cannot read symlink: \(FileSystemCalls.errorText())")
        }
        let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard target.hasPrefix("versions/"), let version = Int(target.dropFirst("versions/".count)) else {
            throw RegistryError(path: currentPath, message: "points at '\(target)', not at versions/<N>")
        }
        return version
    }

    /// All versions' metadata, by version ascending.
    public func versions() throws(RegistryError) -> [VersionMetadata] {
        var result: [VersionMetadata] = []
        for version in try versionNumbers() {
            result.append(try metadata(version: version))
        }
        return result
    }

    /// The metadata of one version.
    public func metadata(version: Int) throws(RegistryError) -> VersionMetadata {
        let path = versionPath(version) + "/metadata.json"
        let data = try FileSystemCalls.readFile(path)
        do {
            return try JSONDecoder().decode(VersionMetadata.self, from: data)
        } catch {
            throw RegistryError(path: path, message: "invalid metadata: \(error)")
        }
    }

    /// Removes the attempt workdir (after a failed attempt), ignoring a missing one.
    public func removeWorkdir(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The numbers of the folders in versions/, ascending; other names are ignored.
    func versionNumbers() throws(RegistryError) -> [Int] {
        guard FileSystemCalls.fileType(versionsPath) != nil else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: versionsPath)
        } catch {
            throw RegistryError(path: versionsPath, message: "cannot list: \(error.localizedDescription)")
        }
        return names.compactMap { name in
            guard let number = Int(name), number > 0, String(number) == name else { return nil }
            return number
        }.sorted()
    }
}
