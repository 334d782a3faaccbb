import Foundation
import Testing

/// The retrain-check loop of CONTRACT.md §7 in the real daemon, with real child processes: a small
/// trainer script does what each attempt is told (win, lose, crash, hang, write garbage, write outside
/// its workdir), and the tests check the alerts, the registry, the `current` symlink, the audit log
/// and journald.
@Suite(.serialized) struct RetrainTests {
    /// A scratch folder with streams whose windows all breach `rmse max 1` (production rmse 3), a
    /// trainer script, and a rule that runs it.
    struct Scenario {
        let root: URL
        let monitor: String
        var rules: URL { root.appendingPathComponent("rules") }
        var state: URL { root.appendingPathComponent("state") }
        var runs: URL { root.appendingPathComponent("runs.log") }
        var registry: URL { state.appendingPathComponent("registry/\(monitor)") }
        var predictions: URL { root.appendingPathComponent("p.jsonl") }
        var labels: URL { root.appendingPathComponent("l.jsonl") }
        private(set) var written = 0

        /// `outcomes`: what attempts 1, 2, 3 do (win, lose, garbage, crash, hang, escape, none).
        init(_ name: String, outcomes: [String], timeout: String = "3s", cooldown: String = "1h", maxAttempts: Int = 3,
             afterPromotion: String = "keep") throws {
            root = try DriftdProcess.temporaryDirectory()
            monitor = "\(name)-\(UUID().uuidString.prefix(8).lowercased())"
            try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
            try Self.trainer.write(to: root.appendingPathComponent("trainer.sh"), atomically: true, encoding: .utf8)
            try """
            {"monitor": "\(monitor)", "task": "regression",
             "predictions": {"path": "\(predictions.path)"},
             "labels": {"path": "\(labels.path)", "max_delay": "1s"},
             "reference": {"first": 50}, "window": {"size": 50},
             "features": {"x": {"type": "numerical", "drift": [{"method": "psi", "bins": 2}]}},
             "performance": [{"metric": "rmse", "max": 1.0}],
             "retrain": {"command": ["/bin/sh", "\(root.path)/trainer.sh", "\(runs.path)", "\(outcomes.joined(separator: ","))"],
                         "max_attempts": \(maxAttempts), "timeout": "\(timeout)", "metric": "rmse", "cooldown": "\(cooldown)", "data_records": 60,
                         "after_promotion": "\(afterPromotion)"}}
            """.write(to: rules.appendingPathComponent("\(monitor).json"), atomically: true, encoding: .utf8)
        }

        /// The trainer: argv LOG OUTCOMES; logs "attempt N OUTCOME PID", keeps a copy of DRIFTD_DATA, then acts.
        static let trainer = """
            log="$1"
            outcome=$(echo "$2" | cut -d, -f"$DRIFTD_ATTEMPT")
            echo "attempt $DRIFTD_ATTEMPT $outcome $$" >> "$log"
            cp "$DRIFTD_DATA" "$log.data-$DRIFTD_ATTEMPT"
            echo "training on $(wc -l < "$DRIFTD_DATA") records in episode $DRIFTD_EPISODE"
            echo "a warning on stderr" >&2
            case "$outcome" in
              win) echo weights > "$DRIFTD_WORKDIR/model.txt"; echo '{"rmse": 0.5, "mae": 0.4}' > "$DRIFTD_WORKDIR/metrics.json" ;;
              lose) echo '{"rmse": 99}' > "$DRIFTD_WORKDIR/metrics.json" ;;
              garbage) echo 'not json' > "$DRIFTD_WORKDIR/metrics.json" ;;
              crash) kill -SEGV $$ ;;
              hang) sleep 1000 ;;
              escape) echo x > "$DRIFTD_WORKDIR/../../escaped.txt"; echo '{"rmse": 0.5}' > "$DRIFTD_WORKDIR/metrics.json" ;;
            esac
            """

        /// Appends `windows` windows (the first call also writes the 50 reference records): labels first,
        /// so every prediction is joined at once. Reference labels equal the prediction; later ones are off by 3,
        /// and `x` moves from 0...4 to 10...14 (data drift in every window against the first reference).
        mutating func write(windows: Int) throws {
            var predictionLines: [String] = []
            var labelLines: [String] = []
            let start = written
            let end = written == 0 ? 50 + windows * 50 : written + windows * 50
            for i in start..<end {
                predictionLines.append("{\"id\":\"r\(i)\",\"ts\":\(1_700_000_000 + i),\"features\":{\"x\":\(i < 50 ? i % 5 : 10 + i % 5)},\"prediction\":10}")
                labelLines.append("{\"id\":\"r\(i)\",\"label\":\(i < 50 ? 10 : 13)}")
            }
            written = end
            try DaemonTests.append(labelLines[...], to: labels)
            try DaemonTests.append(predictionLines[...], to: predictions)
        }

        func start() throws -> DaemonTests.Daemon {
            try DaemonTests.Daemon(rules: rules, state: state, log: root.appendingPathComponent("daemon.log"))
        }

        /// The monitor's alerts from `driftd alerts --json`.
        func alerts() -> [[String: Any]] {
            let output = (try? DriftdProcess.run(["alerts", "--state", state.path, "--monitor", monitor, "--json"]))?.standardOutput ?? ""
            return output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        func kinds() -> [String] { alerts().compactMap { $0["kind"] as? String }.filter { $0.hasPrefix("retrain") || $0 == "model_promoted" } }

        /// Waits until an alert of `kind` is stored.
        func waitFor(_ kind: String, seconds: Double = 40) -> Bool {
            DaemonTests.wait(seconds: seconds) { kinds().contains(kind) }
        }

        /// Lines of the trainer's log: one per attempt that ran.
        var attemptsRun: [String] {
            ((try? String(contentsOf: runs, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        func audit() -> [[String: Any]] {
            let text = (try? String(contentsOf: registry.appendingPathComponent("audit.jsonl"), encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        func actions() -> [String] { audit().compactMap { $0["action"] as? String } }

        var current: String? { try? FileManager.default.destinationOfSymbolicLink(atPath: registry.appendingPathComponent("current").path) }

        /// journald entries of this monitor matching `match` (empty when no journald runs here).
        func journal(_ match: String...) -> [[String: Any]] {
            guard FileManager.default.fileExists(atPath: "/run/systemd/journal/socket") else { return [] }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/journalctl")
            process.arguments = ["-t", "driftd", "DRIFTD_MONITOR=\(monitor)"] + match + ["-o", "json", "--no-pager"]
            let pipe = Pipe()
            process.standardOutput = pipe
            try? process.run()
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        var journaldRuns: Bool { FileManager.default.fileExists(atPath: "/run/systemd/journal/socket") }

        func cleanUp() { try? FileManager.default.removeItem(at: root) }
    }

    @Test func winOnFirstAttemptRegistersPromotesAndAudits() throws {
        var scenario = try Scenario("win1", outcomes: ["win"])
        defer { scenario.cleanUp() }
        try scenario.write(windows: 2)
        let daemon = try scenario.start()
        defer { daemon.stop() }
        #expect(scenario.waitFor("model_promoted"), "\(scenario.kinds())\n\(daemon.logTail)")
        #expect(scenario.kinds() == ["retrain_started", "model_promoted"], "\(scenario.kinds())")
        #expect(scenario.attemptsRun.count == 1)
        // The registry: versions/1 holds the candidate and its metadata; current points at it.
        let version = scenario.registry.appendingPathComponent("versions/1")
        #expect(FileManager.default.fileExists(atPath: version.appendingPathComponent("model.txt").path))
        let metadata = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: version.appendingPathComponent("metadata.json"))) as? [String: Any])
        #expect(metadata["monitor"] as? String == scenario.monitor)
        #expect(metadata["version"] as? Int == 1 && metadata["attempt"] as? Int == 1)
        #expect((metadata["metrics"] as? [String: Double])?["rmse"] == 0.5)
        let production = try #require(metadata["production_value"] as? Double)
        #expect(abs(production - 3) < 1e-9, "the production rmse of a window whose labels are all off by 3")
        #expect(scenario.current == "versions/1")
        // /status (and `driftd status`) show the episode.
        var address = ""
        #expect(DaemonTests.wait(seconds: 20) {
            guard let range = daemon.log.range(of: #"address=127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else { return false }
            address = String(daemon.log[range].dropFirst("address=".count))
            return true
        })
        let status = try DriftdProcess.run(["status", "--listen", address, "--json"])
        let statusJSON = try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any]
        let retrain = ((statusJSON?["monitors"] as? [[String: Any]])?.first)?["retrain"] as? [String: Any]
        #expect(retrain?["state"] as? String == "promoted" && retrain?["promoted_version"] as? Int == 1, "\(status.standardOutput)")
        let actions = scenario.actions()
        #expect(Array(actions.prefix(4)) == ["episode_started", "attempt_started", "registered", "promoted"], "\(actions)")
        // DRIFTD_DATA: the 60 most recent labeled records, oldest first, with every field.
        let data = try String(contentsOf: URL(fileURLWithPath: scenario.runs.path + ".data-1"), encoding: .utf8).split(separator: "\n")
        #expect(data.count == 60)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(data[0].utf8)) as? [String: Any])
        let last = try #require(try JSONSerialization.jsonObject(with: Data(data[59].utf8)) as? [String: Any])
        #expect(first["id"] as? String == "r90" && last["id"] as? String == "r149", "\(first) \(last)")
        #expect(last["label"] as? Int == 13 && last["prediction"] as? Int == 10 && (last["features"] as? [String: Any])?["x"] as? Int == 14)
        #expect(last["ts"] as? Int == 1_700_000_149)
        // More breaching windows during the cooldown: recorded, no new episode.
        try scenario.write(windows: 2)
        #expect(DaemonTests.wait(seconds: 20) { scenario.actions().contains("trigger_suppressed") }, "\(scenario.actions())")
        #expect(scenario.attemptsRun.count == 1)
        #expect(scenario.kinds().filter { $0 == "retrain_started" }.count == 1)
        if scenario.journaldRuns {
            #expect(DaemonTests.wait(seconds: 20) { !scenario.journal("DRIFTD_KIND=model_promoted").isEmpty })
            let started = scenario.journal("DRIFTD_KIND=retrain_started").first
            #expect(started?["PRIORITY"] as? String == "6")
            // The command's output, line by line, tagged with the monitor and attempt.
            let output = scenario.journal("DRIFTD_COMMAND=retrain", "DRIFTD_ATTEMPT=1")
            #expect(output.contains { ($0["MESSAGE"] as? String)?.contains("training on 60 records") == true }, "\(output)")
            #expect(output.contains { $0["DRIFTD_STREAM"] as? String == "stderr" && $0["PRIORITY"] as? String == "4" }, "\(output)")
        }
    }

    @Test func failedAttemptsThenWinOnTheThird() throws {
        var scenario = try Scenario("win3", outcomes: ["lose", "crash", "win"])
        defer { scenario.cleanUp() }
        try scenario.write(windows: 1)
        let daemon = try scenario.start()
        defer { daemon.stop() }
        #expect(scenario.waitFor("model_promoted"), "\(scenario.kinds())\n\(daemon.logTail)")
        #expect(scenario.kinds() == ["retrain_started", "retrain_attempt_failed", "retrain_attempt_failed", "model_promoted"], "\(scenario.kinds())")
        let failed = scenario.alerts().filter { $0["kind"] as? String == "retrain_attempt_failed" }
        #expect(failed.map { $0["attempt"] as? Int } == [1, 2])
        #expect(failed.first?["value"] as? Double == 99, "the losing candidate's rmse: \(failed)")
        #expect((failed.last?["message"] as? String)?.contains("signal 11") == true, "\(failed)")
        #expect(failed.allSatisfy { $0["severity"] as? String == "warning" })
        #expect(scenario.attemptsRun.count == 3)
        let metadata = try JSONSerialization.jsonObject(with: Data(contentsOf: scenario.registry.appendingPathComponent("versions/1/metadata.json"))) as? [String: Any]
        #expect(metadata?["attempt"] as? Int == 3)
        #expect(scenario.current == "versions/1")
        // Failed attempts leave no workdir behind.
        let work = (try? FileManager.default.contentsOfDirectory(atPath: scenario.registry.appendingPathComponent("work").path)) ?? []
        #expect(work.isEmpty, "\(work)")
    }

    @Test func threeFailuresRaiseRetrainExhausted() throws {
        var scenario = try Scenario("exhausted", outcomes: ["garbage", "hang", "escape"], timeout: "2s")
        defer { scenario.cleanUp() }
        try scenario.write(windows: 1)
        let daemon = try scenario.start()
        defer { daemon.stop() }
        #expect(scenario.waitFor("retrain_exhausted", seconds: 60), "\(scenario.kinds())\n\(daemon.logTail)")
        #expect(scenario.kinds() == ["retrain_started", "retrain_attempt_failed", "retrain_attempt_failed", "retrain_attempt_failed", "retrain_exhausted"],
                "\(scenario.kinds())")
        let messages = scenario.alerts().compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.contains("attempt 1") && $0.contains("metrics.json") }, "\(messages)")
        #expect(messages.contains { $0.contains("attempt 2") && $0.contains("timed out") }, "\(messages)")
        #expect(messages.contains { $0.contains("attempt 3") && $0.contains("outside its workdir") }, "\(messages)")
        let exhausted = scenario.alerts().first { $0["kind"] as? String == "retrain_exhausted" }
        #expect(exhausted?["severity"] as? String == "critical")
        #expect(scenario.attemptsRun.count == 3)
        #expect(scenario.current == nil)
        #expect(!FileManager.default.fileExists(atPath: scenario.registry.appendingPathComponent("versions/1").path))
        // The hung attempt's whole process group is gone.
        let hung = try #require(scenario.attemptsRun.first { $0.contains(" hang ") }?.split(separator: " ").last.flatMap { Int32($0) })
        // (An ended process stays a group member until it is reaped; this container's init reaps orphans slowly.)
        #expect(DaemonTests.wait(seconds: 10) { kill(-hung, 0) == -1 && errno == ESRCH })
        #expect(scenario.actions().filter { $0 == "attempt_failed" }.count == 3)
        #expect(scenario.actions().last == "exhausted")
        if scenario.journaldRuns {
            #expect(DaemonTests.wait(seconds: 20) { scenario.journal("DRIFTD_KIND=retrain_exhausted").first?["PRIORITY"] as? String == "2" })
        }
    }

    @Test func killedDaemonResumesTheEpisodeWithoutExtraAttempts() throws {
        var scenario = try Scenario("resume", outcomes: ["lose", "hang", "win"], timeout: "60s")
        defer { scenario.cleanUp() }
        try scenario.write(windows: 1)
        var daemon = try scenario.start()
        #expect(DaemonTests.wait(seconds: 40) { scenario.attemptsRun.count == 2 }, "\(scenario.attemptsRun)\n\(daemon.logTail)")
        daemon.kill(SIGKILL)
        daemon.process.waitUntilExit()
        // systemd ends the unit's whole cgroup when the daemon dies (KillMode=control-group); here the
        // test does it for the orphaned attempt.
        let hung = try #require(scenario.attemptsRun.last?.split(separator: " ").last.flatMap { Int32($0) })
        kill(-hung, SIGKILL)
        daemon = try scenario.start()
        defer { daemon.stop() }
        #expect(scenario.waitFor("model_promoted"), "\(scenario.kinds())\n\(daemon.logTail)")
        #expect(scenario.attemptsRun.map { $0.split(separator: " ").prefix(3).joined(separator: " ") } == ["attempt 1 lose", "attempt 2 hang", "attempt 3 win"])
        let failed = scenario.alerts().filter { $0["kind"] as? String == "retrain_attempt_failed" }
        #expect(failed.count == 2)
        #expect((failed.last?["message"] as? String)?.contains("interrupted") == true, "\(failed)")
        #expect(scenario.current == "versions/1")
        #expect(scenario.kinds().filter { $0 == "retrain_started" }.count == 1)
        // The interrupted attempt's workdir and its DRIFTD_DATA file are removed (found by Reliability/crash.py).
        let work = scenario.registry.appendingPathComponent("work").path
        #expect((try? FileManager.default.contentsOfDirectory(atPath: work)) ?? [] == [], "left in \(work)")
    }

    @Test func rebaselineAfterPromotionMakesTheNextRecordsTheReference() throws {
        var scenario = try Scenario("rebaseline", outcomes: ["win"], afterPromotion: "rebaseline")
        defer { scenario.cleanUp() }
        try scenario.write(windows: 1)
        var daemon = try scenario.start()
        #expect(scenario.waitFor("model_promoted"), "\(scenario.kinds())\n\(daemon.logTail)")
        // Give the ingest loop its round for the rebaseline request, then three more windows: the
        // first 50 records after the promotion become the reference, so the last two windows no longer drift.
        Thread.sleep(forTimeInterval: 1.5)
        try scenario.write(windows: 3)
        func drifted() -> [Int] {
            scenario.alerts().filter { $0["kind"] as? String == "data_drift" }.compactMap { $0["window"] as? Int }
        }
        func evaluated() -> Int {
            let path = scenario.root.appendingPathComponent("stored.json")
            _ = try? DriftdProcess.run(["report", "--monitor", scenario.monitor, "--state", scenario.state.path, "--json", path.path])
            let report = (try? JSONSerialization.jsonObject(with: Data(contentsOf: path))) as? [String: Any]
            return (report?["windows"] as? [Any])?.count ?? 0
        }
        #expect(DaemonTests.wait(seconds: 30) { evaluated() == 4 }, "\(daemon.logTail)")
        #expect(drifted() == [0, 1], "windows 0 and 1 are tested against the first reference only: \(drifted())")
        // The rebaseline is part of the stored input: a restarted daemon rebuilds the same engine, and
        // a further window still tests clean against the new reference.
        daemon.stop()
        daemon = try scenario.start()
        defer { daemon.stop() }
        try scenario.write(windows: 1)
        #expect(DaemonTests.wait(seconds: 30) { evaluated() == 5 }, "\(daemon.logTail)")
        #expect(drifted() == [0, 1], "\(drifted())")
    }

    @Test func registryCommandListsPromotesAndRollsBack() throws {
        var scenario = try Scenario("registry", outcomes: ["win"], cooldown: "1s")
        defer { scenario.cleanUp() }
        try scenario.write(windows: 1)
        let daemon = try scenario.start()
        defer { daemon.stop() }
        #expect(scenario.waitFor("model_promoted"), "\(scenario.kinds())\n\(daemon.logTail)")
        // A second episode after the cooldown promotes version 2.
        Thread.sleep(forTimeInterval: 1.2)
        try scenario.write(windows: 1)
        #expect(DaemonTests.wait(seconds: 40) { scenario.current == "versions/2" }, "\(scenario.kinds())\n\(daemon.logTail)")
        let state = scenario.state.path
        let list = try DriftdProcess.run(["registry", "list", scenario.monitor, "--state", state])
        #expect(list.status == 0)
        #expect(list.standardOutput.split(separator: "\n").map { $0.prefix(3) } == ["  1", "* 2"], "\(list.standardOutput)")
        let rollback = try DriftdProcess.run(["registry", "rollback", scenario.monitor, "--state", state])
        #expect(rollback.status == 0, "\(rollback.standardError)")
        #expect(scenario.current == "versions/1")
        let entry = try #require(scenario.audit().last)
        #expect(entry["action"] as? String == "rollback")
        #expect((entry["actor"] as? String)?.hasPrefix("user:") == true)
        let promote = try DriftdProcess.run(["registry", "promote", scenario.monitor, "2", "--state", state])
        #expect(promote.status == 0 && scenario.current == "versions/2")
        let show = try DriftdProcess.run(["registry", "show", scenario.monitor, "1", "--state", state])
        #expect(show.standardOutput.contains("\"attempt\" : 1") && show.standardOutput.contains("model.txt"), "\(show.standardOutput)")
        let missing = try DriftdProcess.run(["registry", "promote", scenario.monitor, "7", "--state", state])
        #expect(missing.status == 1 && missing.standardError.contains("7"), "\(missing.standardError)")
        #expect(scenario.current == "versions/2")
    }
}
