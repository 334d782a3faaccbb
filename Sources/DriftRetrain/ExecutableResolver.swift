import Foundation
import Glibc

/// Resolves `argv[0]` as `execvp(3)` would in the child (see ``CommandRun``), with a clear reason when it cannot.
enum ExecutableResolver {
    /// Why a command could not be started, in words.
    struct ResolutionFailure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// The absolute path to run, or the reason it cannot be run.
    static func resolve(_ name: String, workingDirectory: String, path: String?) -> Result<String, ResolutionFailure> {
        guard !name.isEmpty else { return .failure(ResolutionFailure("argv is empty: no program to run")) }
        if name.contains("/") {
            let full = name.hasPrefix("/") ? name : workingDirectory + "/" + name
            if let problem = problem(with: full) { return .failure(ResolutionFailure("\(full): \(problem)")) }
            return .success(full)
        }
        let searchPath = path ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = directory + "/" + name
            if problem(with: candidate) == nil { return .success(candidate) }
        }
        return .failure(ResolutionFailure("no executable named '\(name)' in PATH (\(searchPath))"))
    }

    /// Why the file at `path` cannot be executed, nil when it can.
    private static func problem(with path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? "no such file" : String(cString: strerror(errno))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return "not a regular file" }
        guard access(path, X_OK) == 0 else { return "not executable" }
        return nil
    }
}
