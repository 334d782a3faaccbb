import DriftRetrain
import Foundation
import Glibc
import Testing

@Suite("WorkdirGuard")
struct WorkdirGuardTests {
    /// A registry with version 1 promoted and a fresh attempt workdir, plus the guard's snapshot before the attempt.
    private func prepare() throws -> (TemporaryFolder, ModelRegistry, String, WorkdirGuard, RegistrySnapshot) {
        let folder = try TemporaryFolder()
        let registry = ModelRegistry(root: folder.path + "/registry")
        let first = try registry.makeWorkdir(episode: 1, attempt: 1)
        try "v1".write(toFile: first + "/model.bin", atomically: false, encoding: .utf8)
        let metadata = VersionMetadata(
            monitor: "m", episode: 1, attempt: 1, metric: "rmse", metrics: ["rmse": 1], productionValue: nil,
            trigger: "concept_drift", triggerWindow: nil, createdAt: RegistryTime.now())
        _ = try registry.register(workdir: first, metadata: metadata)
        try registry.promote(version: 1)
        try registry.appendAudit(AuditEntry(time: RegistryTime.now(), action: "promoted", monitor: "m", version: 1))
        let workdir = try registry.makeWorkdir(episode: 2, attempt: 1)
        let guardian = WorkdirGuard(registryRoot: registry.root, workdir: workdir)
        return (folder, registry, workdir, guardian, guardian.snapshot())
    }

    /// Runs a shell script (as the retrain command would be) in the workdir.
    private func runCommand(_ body: String, in folder: TemporaryFolder, workdir: String, registry: ModelRegistry) async throws {
        let script = try folder.script("retrain.sh", body)
        let outcome = await CommandRunner.run(
            CommandRun(argv: [script], environment: ["DRIFTD_WORKDIR": workdir, "REGISTRY": registry.root],
                       workingDirectory: workdir, timeout: .seconds(20)),
            onLine: { _, _ in })
        #expect(outcome == .exited(0))
    }

    @Test func writingOnlyInTheWorkdirIsClean() async throws {
        let (folder, registry, workdir, guardian, before) = try prepare()
        defer { folder.remove() }
        try await runCommand("""
            mkdir -p "$DRIFTD_WORKDIR/sub" && echo x > "$DRIFTD_WORKDIR/sub/model.bin"
            echo '{"rmse": 0.5}' > metrics.json
            ln -s sub/model.bin "$DRIFTD_WORKDIR/latest"
            """, in: folder, workdir: workdir, registry: registry)
        #expect(guardian.violations(since: before) == [])
    }

    @Test func theDaemonAppendingToTheAuditLogIsCleanButTruncatingItIsCaught() async throws {
        let (folder, registry, workdir, guardian, before) = try prepare()
        defer { folder.remove() }
        try registry.appendAudit(AuditEntry(time: RegistryTime.now(), action: "trigger_suppressed", monitor: "m"))
        #expect(guardian.violations(since: before) == [])
        try await runCommand(#": > "$REGISTRY/audit.jsonl""#, in: folder, workdir: workdir, registry: registry)
        #expect(guardian.violations(since: before) == ["\(registry.root)/audit.jsonl: changed"])
    }

    @Test func writingIntoAnExistingVersionIsCaught() async throws {
        let (folder, registry, workdir, guardian, before) = try prepare()
        defer { folder.remove() }
        try await runCommand(#"echo tampered >> "$REGISTRY/versions/1/model.bin""#, in: folder, workdir: workdir, registry: registry)
        let violations = guardian.violations(since: before)
        #expect(violations.contains("\(registry.versionPath(1))/model.bin: changed"), "\(violations)")
    }

    @Test func addingAFileToAVersionIsCaught() async throws {
        let (folder, registry, workdir, guardian, before) = try prepare()
        defer { folder.remove() }
        try await runCommand(#"touch "$REGISTRY/versions/1/extra""#, in: folder, workdir: workdir, registry: registry)
        #expect(guardian.violations(since: before).contains("\(registry.versionPath(1))/extra: added"))
    }

    @Test func replacingCurrentIsCaught() async throws {
        let (folder, registry, workdir, guardian, before) = try prepare()
        defer { folder.remove() }
        try await runCommand(#"ln -sfn "$DRIFTD_WORKDIR" "$REGISTRY/current.new" && mv -T "$REGISTRY/current.new" "$REGISTRY/current""#,
                             in: folder, workdir: workdir, registry: registry)
        #expect(guardian.violations(since: before).contains("\(registry.root)/current: changed"))
    }

    @Test func symlinkFromTheWorkdirToOutsideIsCaught() async throws {
        let (folder, registry, workdir, guardian, before) = try prepare()
        defer { folder.remove() }
        try await runCommand("""
            ln -s /etc/passwd model.bin
            mkdir deep && ln -s ../../../../../../../../etc deep/up
            ln -s "$REGISTRY/versions/1" previous
            """, in: folder, workdir: workdir, registry: registry)
        let violations = guardian.violations(since: before)
        #expect(violations.contains("\(workdir)/model.bin: symlink to /etc/passwd, outside the workdir"))
        #expect(violations.contains("\(workdir)/deep/up: symlink to ../../../../../../../../etc, outside the workdir"))
        #expect(violations.contains("\(workdir)/previous: symlink to \(registry.versionPath(1)), outside the workdir"))
        #expect(violations.count == 3, "\(violations)")
    }

    @Test func danglingSymlinkIsJudgedByItsTarget() async throws {
        let (folder, registry, workdir, guardian, before) = try prepare()
        defer { folder.remove() }
        try await runCommand("ln -s not-yet-there inside && ln -s /nonexistent/file outside", in: folder, workdir: workdir, registry: registry)
        #expect(guardian.violations(since: before) == ["\(workdir)/outside: symlink to /nonexistent/file, outside the workdir"])
    }
}
