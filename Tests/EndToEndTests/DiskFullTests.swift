import Foundation
import Glibc
import Testing

/// Whether this process may mount a tmpfs (tried once).
private let canMountTmpfs: Bool = {
    guard getuid() == 0, let folder = try? DriftdProcess.temporaryDirectory() else { return false }
    defer { try? FileManager.default.removeItem(at: folder) }
    guard DiskFullTests.mount(folder, size: "1m") else { return false }
    umount(folder.path)
    return true
}()

/// The state folder on a small tmpfs that fills up (found by Reliability/resources.py: the daemon
/// used to hang, silent, ignoring SIGTERM). It must say so, keep running, and lose nothing once
/// there is space again. Needs permission to mount a tmpfs (root, as in CI); skipped otherwise.
@Suite(.serialized, .enabled(if: canMountTmpfs, "mounting a tmpfs needs root")) struct DiskFullTests {
    @discardableResult
    static func mount(_ folder: URL, size: String, remount: Bool = false) -> Bool {
        let arguments = remount ? ["-o", "remount,size=\(size)", folder.path] : ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", folder.path]
        guard let result = try? DriftdProcess.runTool("/usr/bin/mount", arguments) else { return false }
        return result == 0
    }

    /// Lines of one numerical feature: 200 reference lines, then windows of 200 that drift every other time.
    static func lines(_ range: Range<Int>) -> [String] {
        range.map { i in
            let shift = i >= 200 && (i / 200) % 2 == 0 ? 50 : 0
            return "{\"id\":\"p-\(i)\",\"ts\":\(1_700_000_000 + i),\"features\":{\"x\":\(shift + i % 17)},\"prediction\":\(i % 5)}"
        }
    }

    @Test func aFullStateDiskPausesReadingSaysSoAndLosesNothing() throws {
        let root = try DriftdProcess.temporaryDirectory()
        let (rules, state) = (root.appendingPathComponent("rules"), root.appendingPathComponent("state"))
        for folder in [rules, state] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        #expect(Self.mount(state, size: "2m"))
        defer {
            umount2(state.path, Int32(MNT_DETACH))
            try? FileManager.default.removeItem(at: root)
        }
        let stream = root.appendingPathComponent("p.jsonl")
        let rule = """
            {"monitor": "full", "task": "regression", "predictions": {"path": "\(stream.path)"},
             "reference": {"first": 200}, "window": {"size": 200},
             "features": {"x": {"type": "numerical", "drift": [{"method": "psi", "threshold": 0.2}]}},
             "alerts": {"journald": false}}
            """
        try rule.write(to: rules.appendingPathComponent("full.json"), atomically: true, encoding: .utf8)
        let log = root.appendingPathComponent("daemon.log")
        let daemon = try DaemonTests.Daemon(rules: rules, state: state, log: log)
        defer { daemon.stop() }
        // About 8 MB of lines to store on a 2 MB disk.
        let total = 60_000
        try DaemonTests.append(Self.lines(0..<total)[...], to: stream)
        #expect(DaemonTests.wait(seconds: 60) { daemon.log.contains("cannot commit a round") }, "\(daemon.logTail)")
        #expect(daemon.process.isRunning)
        let address = try #require(daemon.log.matches(of: /address=(127\.0\.0\.1:\d+)/).last?.1)
        let status = try DriftdProcess.run(["status", "--listen", String(address), "--json"])
        let ingest = (try? JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])?["ingest"] as? [String: Any]
        #expect(ingest?["state_error"] is String, "\(status.standardOutput)")
        #expect(ingest?["healthy"] as? Bool == false, "\(status.standardOutput)")

        #expect(Self.mount(state, size: "64m", remount: true))
        #expect(DaemonTests.wait(seconds: 60) { daemon.log.contains("commits work again") }, "\(daemon.logTail)")
        let recovered = try DriftdProcess.run(["status", "--listen", String(address), "--json"])
        #expect(!recovered.standardOutput.contains("state_error"), "\(recovered.standardOutput)")
        let scratch = root.appendingPathComponent("scratch")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        var stored: JSONTree?
        #expect(DaemonTests.wait(seconds: 120) {
            stored = DaemonTests.storedReport(state: state, monitor: "full", into: scratch)
            return DaemonTests.number(stored, "counts", "records") == Double(total)
        }, "\(daemon.logTail)")
        daemon.stop()
        #expect(daemon.process.terminationStatus == 0, "\(daemon.logTail)")
        // Said once, not once per retry.
        #expect(daemon.log.components(separatedBy: "cannot commit a round").count == 2, "\(daemon.logTail)")

        let replayed = scratch.appendingPathComponent("replay.json")
        let replay = try DriftdProcess.run(["replay", rules.appendingPathComponent("full.json").path, "--report", replayed.path, "--quiet"])
        #expect(replay.status == 0, "\(replay.standardError)")
        var mismatches: [String] = []
        JSONComparison.compare(expected: try JSONTree.load(replayed), actual: try #require(stored), path: "full", mismatches: &mismatches)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}
