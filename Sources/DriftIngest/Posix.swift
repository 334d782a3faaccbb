import Glibc

/// The few system calls the tailer makes, with `EINTR` retried and errors as `IngestError`.
enum Posix {
    /// `stat(2)` of a path, nil when it cannot be examined (gone between a glob and the call).
    static func status(path: String) -> stat? {
        var info = stat()
        return stat(path, &info) == 0 ? info : nil
    }

    static func status(descriptor: Int32, path: String) throws(IngestError) -> stat {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .system(.status, path: path) }
        return info
    }

    static func isRegular(_ info: stat) -> Bool { (info.st_mode & S_IFMT) == S_IFREG }

    /// Opens `path` for reading and checks that it is still the file `expected` names (a path can be
    /// replaced between `stat` and `open`). Nil when it is gone or is now another file.
    static func open(_ path: String, expected: FileIdentity) throws(IngestError) -> (descriptor: Int32, status: stat)? {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        if descriptor < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw .system(.open, path: path)
        }
        do {
            let info = try status(descriptor: descriptor, path: path)
            guard FileIdentity(info) == expected, isRegular(info) else {
                close(descriptor)
                return nil
            }
            return (descriptor, info)
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// `pread(2)` of up to `count` bytes (all of `buffer` after `start` by default) at file
    /// `offset`, retried on `EINTR`; 0 at the end of the file. (`withUnsafeMutableBytes` rethrows
    /// untyped errors, so the error is thrown outside it.)
    static func read(_ descriptor: Int32, into buffer: inout [UInt8], start: Int = 0, count: Int? = nil,
                     at offset: Int64, path: String) throws(IngestError) -> Int {
        let wanted = count ?? buffer.count - start
        let (result, number) = buffer.withUnsafeMutableBytes { raw -> (Int, Int32) in
            while true {
                let got = pread(descriptor, raw.baseAddress! + start, wanted, off_t(offset))
                if got >= 0 { return (got, 0) }
                if errno != EINTR { return (-1, errno) }
            }
        }
        if result < 0 { throw .system(.read, path: path, offset: offset, errno: number) }
        return result
    }

    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    static func bytes(_ descriptor: Int32, at offset: Int64, count: Int, path: String) throws(IngestError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = try read(descriptor, into: &result, start: filled, at: offset + Int64(filled), path: path)
            if got == 0 { break }
            filled += got
        }
        result.removeLast(count - filled)
        return result
    }

    /// The names and inode numbers in a folder (empty when it cannot be read).
    static func entries(of directory: String) -> [(name: String, inode: UInt64)] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var result: [(String, UInt64)] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            result.append((name, UInt64(entry.pointee.d_ino)))
        }
        return result
    }

    /// `path` with its folder: `directory + "/" + name` unless the folder is ".".
    static func join(_ directory: String, _ name: String) -> String {
        directory == "." ? name : directory == "/" ? "/" + name : directory + "/" + name
    }

}
