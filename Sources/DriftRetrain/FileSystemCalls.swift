import Foundation
import Glibc

/// The few system calls the registry needs, each failing with a ``RegistryError`` naming the path.
enum FileSystemCalls {
    /// The system's text for the current `errno`.
    static func errorText(_ number: Int32 = errno) -> String {
        String(cString: strerror(number))
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws(RegistryError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw RegistryError(path: path, message: "cannot create folder: \(error.localizedDescription)")
        }
    }

    /// Flushes a folder's entries (a rename or a new link in it) to disk.
    static func syncDirectory(_ path: String) throws(RegistryError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw RegistryError(path: path, message: "cannot open folder: \(errorText())") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw RegistryError(path: path, message: "fsync failed: \(errorText())") }
    }

    /// Writes all of `bytes` to `descriptor`, retrying short writes and EINTR.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(RegistryError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw RegistryError(path: path, message: "write failed: \(errorText())")
            }
            offset += written
        }
    }

    /// Creates (or truncates) `path`, writes `bytes`, and fsyncs the file.
    static func writeFile(_ bytes: [UInt8], to path: String) throws(RegistryError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw RegistryError(path: path, message: "cannot create file: \(errorText())") }
        defer { close(descriptor) }
        try writeAll(bytes, to: descriptor, path: path)
        guard fsync(descriptor) == 0 else { throw RegistryError(path: path, message: "fsync failed: \(errorText())") }
    }

    /// The whole content of a file.
    static func readFile(_ path: String) throws(RegistryError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read file" : "no such file"
            throw RegistryError(path: path, message: reason)
        }
        return data
    }

    /// The file type bits of `path` without following a final symlink, nil if it does not exist.
    static func fileType(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }
}
