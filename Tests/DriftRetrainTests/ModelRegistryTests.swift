import DriftRetrain
import Foundation
import Glibc
import Testing

@Suite("ModelRegistry")
struct ModelRegistryTests {
    private func metadata(attempt: Int = 1, value: Double = 0.25) -> VersionMetadata {
        VersionMetadata(
            monitor: "fraud", episode: 7, attempt: attempt, metric: "rmse", metrics: ["rmse": value, "mae": value / 2],
            productionValue: 0.5, trigger: "performance_degraded", triggerWindow: 12,
            createdAt: RegistryTime.rfc3339(1_795_000_000.123))
    }

    private func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink(path, &buffer, buffer.count - 1)
        guard length >= 0 else { return nil }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test func registerMovesWorkdirsToNumberedVersionsWithMetadata() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let registry = ModelRegistry(root: folder.path + "/registry/fraud")
        #expect(try registry.versions().isEmpty)
        #expect(try registry.currentVersion() == nil)

        var registered: [VersionMetadata] = []
        for attempt in 1...2 {
            let workdir = try registry.makeWorkdir(episode: 7, attempt: attempt)
            try "model \(attempt)".write(toFile: workdir + "/model.bin", atomically: false, encoding: .utf8)
            registered.append(try registry.register(workdir: workdir, metadata: metadata(attempt: attempt)))
            #expect(!FileManager.default.fileExists(atPath: workdir))
        }
        #expect(registered.map(\.version) == [1, 2])
        #expect(try registry.versions() == registered)
        #expect(try registry.metadata(version: 2) == registered[1])
        let model = try String(contentsOfFile: registry.versionPath(2) + "/model.bin", encoding: .utf8)
        #expect(model == "model 2")
        let json = try String(contentsOfFile: registry.versionPath(1) + "/metadata.json", encoding: .utf8)
        #expect(json.contains("\"production_value\""))
        #expect(json.contains("\"trigger_window\""))
        #expect(json.contains("\"created_at\" : \"2026-11-18T"))
    }

    @Test func makeWorkdirReplacesALeftoverOne() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let registry = ModelRegistry(root: folder.path + "/r")
        let first = try registry.makeWorkdir(episode: 1, attempt: 1)
        try "old".write(toFile: first + "/stale", atomically: false, encoding: .utf8)
        let second = try registry.makeWorkdir(episode: 1, attempt: 1)
        #expect(first == second)
        #expect(second == folder.path + "/r/work/episode-1-attempt-1")
        #expect(try FileManager.default.contentsOfDirectory(atPath: second).isEmpty)
        registry.removeWorkdir(second)
        registry.removeWorkdir(second)  // a missing one is fine
        #expect(!FileManager.default.fileExists(atPath: second))
    }

    @Test func promoteSwitchesCurrentToARelativeSymlinkAndLeavesNoTemporaryFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let registry = ModelRegistry(root: folder.path + "/r")
        for attempt in 1...3 {
            _ = try registry.register(workdir: try registry.makeWorkdir(episode: 1, attempt: attempt), metadata: metadata(attempt: attempt))
        }
        for version in [1, 3, 2] {
            try registry.promote(version: version)
            #expect(try registry.currentVersion() == version)
            #expect(linkTarget(registry.root + "/current") == "versions/\(version)")
            let names = try FileManager.default.contentsOfDirectory(atPath: registry.root).sorted()
            #expect(names == ["current", "versions", "work"])
            let attempt = try String(contentsOfFile: registry.root + "/current/metadata.json", encoding: .utf8)
            #expect(attempt.contains("\"version\" : \(version)"))
        }
    }

    @Test func promotingAMissingVersionThrowsWithItsPath() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let registry = ModelRegistry(root: folder.path + "/r")
        #expect {
            try registry.promote(version: 4)
        } throws: { error in
            (error as? RegistryError)?.path == registry.versionPath(4)
        }
        #expect(try registry.currentVersion() == nil)
    }

    @Test func auditLinesAreAppendedOneJSONObjectPerLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let registry = ModelRegistry(root: folder.path + "/r")
        let entries = [
            AuditEntry(time: RegistryTime.rfc3339(0), action: "episode_started", monitor: "fraud", episode: 1, reason: "performance_degraded"),
            AuditEntry(time: RegistryTime.rfc3339(1.5), action: "attempt_failed", monitor: "fraud", episode: 1, attempt: 1,
                       metric: "rmse", candidate: 0.7, production: 0.5, reason: "rmse 0.7 is not lower than production's 0.5"),
            AuditEntry(time: RegistryTime.rfc3339(2), actor: "user:ana", action: "manual_promote", monitor: "fraud", version: 1),
        ]
        for entry in entries { try registry.appendAudit(entry) }
        #expect(try registry.auditEntries() == entries)

        let text = try String(contentsOfFile: registry.root + "/audit.jsonl", encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == entries.count)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil)
        }
        #expect(lines[0] == #"{"action":"episode_started","actor":"driftd","episode":1,"monitor":"fraud","reason":"performance_degraded","time":"1970-01-01T00:00:00.000Z"}"#)
    }

    @Test func previousPromotedVersionFollowsPromotionsAndRollbacks() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let registry = ModelRegistry(root: folder.path + "/r")
        for attempt in 1...4 {
            _ = try registry.register(workdir: try registry.makeWorkdir(episode: 1, attempt: attempt), metadata: metadata(attempt: attempt))
        }
        #expect(try registry.previousPromotedVersion() == nil)
        func record(_ action: String, _ version: Int) throws {
            try registry.promote(version: version)
            try registry.appendAudit(AuditEntry(time: RegistryTime.now(), action: action, monitor: "fraud", version: version))
        }
        try record("promoted", 1)
        #expect(try registry.previousPromotedVersion() == nil)
        // Version 2 was registered but never promoted: it is skipped.
        try record("promoted", 3)
        #expect(try registry.previousPromotedVersion() == 1)
        try record("manual_promote", 4)
        #expect(try registry.previousPromotedVersion() == 3)
        try record("rollback", 3)
        #expect(try registry.previousPromotedVersion() == 1)
        try registry.appendAudit(AuditEntry(time: RegistryTime.now(), action: "registered", monitor: "fraud", version: 2))
        #expect(try registry.previousPromotedVersion() == 1)
    }

    @Test func rfc3339FormatsUTCWithMilliseconds() {
        #expect(RegistryTime.rfc3339(0) == "1970-01-01T00:00:00.000Z")
        #expect(RegistryTime.rfc3339(86_400 + 3_661.2345) == "1970-01-02T01:01:01.234Z")
        #expect(RegistryTime.rfc3339(-0.5) == "1969-12-31T23:59:59.500Z")
    }
}
