import Glibc

/// Resolves a rule file's stream path (relative to the rule file's folder, possibly a glob) to the
/// files it names, oldest first: by modification time, then by name (CONTRACT.md §2).
public enum StreamFiles {
    /// `path` made absolute against `directory` when relative.
    public static func absolute(_ path: String, relativeTo directory: String) -> String {
        if path.hasPrefix("/") { return path }
        return directory.isEmpty || directory == "." ? path : directory + "/" + path
    }

    /// The folder of a file path ("." for a bare name).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The regular files matching `pattern`, oldest first.
    public static func resolve(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var files: [(path: String, modified: Double)] = []
        for i in 0..<Int(result.gl_pathc) {
            guard let cPath = result.gl_pathv[i] else { continue }
            let path = String(cString: cPath)
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            files.append((path, Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9))
        }
        return files.sorted { $0.modified != $1.modified ? $0.modified < $1.modified : $0.path < $1.path }.map(\.path)
    }
}
