import Foundation
import Glibc

extension ModelRegistry {
    /// The actions that move `current`, as recorded in the audit log.
    static let promotionActions: Set<String> = ["promoted", "manual_promote", "rollback"]

    /// Appends one JSON line (O_APPEND, then fsync) to audit.jsonl.
    ///
    /// The line is written with a single write(2) where the system allows, so concurrent readers see
    /// whole lines; keys are sorted and nil members omitted.
    public func appendAudit(_ entry: AuditEntry) throws(RegistryError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line: Data
        do {
            line = try encoder.encode(entry)
        } catch {
            throw RegistryError(path: auditPath, message: "cannot encode audit entry: \(error)")
        }
        try FileSystemCalls.makeDirectories(root)
        let descriptor = open(auditPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw RegistryError(path: auditPath, message: "cannot open: \(FileSystemCalls.errorText())")
        }
        defer { close(descriptor) }
        try FileSystemCalls.writeAll(Array(line) + [UInt8(ascii: "\n")], to: descriptor, path: auditPath)
        guard fsync(descriptor) == 0 else {
            throw RegistryError(path: auditPath, message: "fsync failed: \(FileSystemCalls.errorText())")
        }
    }

    /// Every entry of audit.jsonl in order; none when the file does not exist.
    ///
    /// A last line without its newline (a write cut short by a crash) is skipped; any other line that
    /// is not a valid entry throws, naming its line number.
    public func auditEntries() throws(RegistryError) -> [AuditEntry] {
        guard FileSystemCalls.fileType(auditPath) != nil else { return [] }
        let data = try FileSystemCalls.readFile(auditPath)
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let decoder = JSONDecoder()
        var entries: [AuditEntry] = []
        for (index, line) in lines.enumerated() where !line.isEmpty {
            do {
                entries.append(try decoder.decode(AuditEntry.self, from: Data(line)))
            } catch {
                if index == lines.count - 1 { break }  // unterminated last line: a torn write
                throw RegistryError(path: auditPath, message: "line \(index + 1) is not a valid audit entry: \(error)")
            }
        }
        return entries
    }

    /// The version before the current one among versions that were ever promoted (from the audit log), for rollback; nil if none.
    ///
    /// The promotions are replayed as a stack: `promoted` and `manual_promote` push their version;
    /// `rollback` to V pops back to V (pushing V if it was not on the stack). The answer is the entry
    /// below the latest occurrence of the current version. So after promotions of 1, 2, 3 the previous
    /// version is 2; after a rollback to 2 it is 1, not 3.
    public func previousPromotedVersion() throws(RegistryError) -> Int? {
        guard let current = try currentVersion() else { return nil }
        var stack: [Int] = []
        for entry in try auditEntries() {
            guard Self.promotionActions.contains(entry.action), let version = entry.version else { continue }
            if entry.action == "rollback", let index = stack.lastIndex(of: version) {
                stack.removeSubrange((index + 1)...)
            } else if stack.last != version {
                stack.append(version)
            }
        }
        guard let index = stack.lastIndex(of: current), index > 0 else { return nil }
        return stack[index - 1]
    }
}
