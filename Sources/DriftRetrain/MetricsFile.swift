import DriftRules
import Glibc

/// Reads a candidate's `metrics.json`: a regular file (not a symlink) of at most 1 MiB holding one
/// JSON object whose values are all finite numbers, with no key twice.
///
/// Parsed with the rule files' `JSONParser` rather than JSONSerialization, which silently keeps one
/// of two duplicate keys and cannot say where the text goes wrong.
enum MetricsFile {
    /// The largest file accepted.
    static let maximumSize = 1 << 20

    /// The metrics, or the reason the file is not acceptable.
    static func read(_ path: String) -> Result<[String: Double], ReadFailure> {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            switch errno {
            case ENOENT: return .failure(ReadFailure("the command left no metrics.json in its workdir (\(path))"))
            case ELOOP: return .failure(ReadFailure("\(path) is a symbolic link; metrics.json must be a regular file"))
            default: return .failure(ReadFailure("cannot open \(path): \(String(cString: strerror(errno)))"))
            }
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return .failure(ReadFailure("\(path) is not a regular file"))
        }
        guard Int(info.st_size) <= maximumSize else {
            return .failure(ReadFailure("\(path) is \(info.st_size) bytes, more than the \(maximumSize) allowed"))
        }
        var bytes = [UInt8](repeating: 0, count: maximumSize + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes[count...].withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure("cannot read \(path): \(String(cString: strerror(errno)))"))
            }
            if got == 0 { break }
            count += got
        }
        guard count <= maximumSize else {
            return .failure(ReadFailure("\(path) is more than the \(maximumSize) bytes allowed"))
        }
        switch metrics(in: Array(bytes[0..<count])) {
        case .success(let metrics): return .success(metrics)
        case .failure(let failure):
            return .failure(ReadFailure("\(path) is not a JSON object of metric names to numbers: \(failure.message)"))
        }
    }

    /// The metrics of exactly `{ "name": number, ... }`, parsed by the rule files' strict parser.
    static func metrics(in bytes: [UInt8]) -> Result<[String: Double], ReadFailure> {
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            return .failure(ReadFailure("\(error.message) at line \(error.location.line), column \(error.location.column)"))
        }
        guard case .object(let members) = root.value else {
            return .failure(ReadFailure("the file holds \(root.typeDescription), not an object"))
        }
        var metrics: [String: Double] = [:]
        for member in members {
            let at = "at line \(member.keyLocation.line), column \(member.keyLocation.column)"
            guard case .number(let value, _) = member.value.value else {
                return .failure(ReadFailure("the value of \"\(member.key)\" is \(member.value.typeDescription), not a number, \(at)"))
            }
            guard metrics.updateValue(value, forKey: member.key) == nil else {
                return .failure(ReadFailure("\"\(member.key)\" appears twice, \(at)"))
            }
        }
        return .success(metrics)
    }

    /// Why a metrics file was refused, in words.
    struct ReadFailure: Error, Equatable {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
