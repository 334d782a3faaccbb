import Foundation
import Testing

/// `driftd run` as systemd runs it: a real process tailing real files while a writer appends and
/// rotates them, killed with SIGKILL and restarted, reloaded with SIGHUP; its stored results are
/// compared with `driftd replay` on the same lines.
@Suite(.serialized) struct DaemonTests {
    /// A running daemon with its standard error in a file.
    final class Daemon {
        let process = Process()
        let standardError: URL

        init(rules: URL, state: URL, log: URL, environment: [String: String] = [:]) throws {
            standardError = log
            if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
            let handle = try FileHandle(forWritingTo: log)
            handle.seekToEndOfFile()
            process.executableURL = URL(fileURLWithPath: DriftdProcess.binary)
            process.arguments = ["run", "--rules", rules.path, "--state", state.path, "--listen", "127.0.0.1:0"]
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardError = handle
            process.standardOutput = handle
            try process.run()
        }

        func kill(_ signal: Int32) { Glibc.kill(process.processIdentifier, signal) }

        func stop() {
            guard process.isRunning else { return }
            kill(SIGTERM)
            process.waitUntilExit()
        }

        var log: String { (try? String(contentsOf: standardError, encoding: .utf8)) ?? "" }
        /// The log's end, for failure messages.
        var logTail: String { String(log.suffix(3000)) }
    }

    /// Polls `condition` until it holds or `seconds` pass.
    static func wait(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }

    /// The daemon's stored report for `monitor`, or nil while it has none.
    static func storedReport(state: URL, monitor: String, into folder: URL) -> JSONTree? {
        let path = folder.appendingPathComponent("stored.json")
        guard let result = try? DriftdProcess.run(["report", "--monitor", monitor, "--state", state.path, "--json", path.path]),
              result.status == 0 else { return nil }
        return try? JSONTree.load(path)
    }

    static func number(_ tree: JSONTree?, _ path: String...) -> Double? {
        var node = tree
        for key in path {
            guard case .object(let members) = node else { return nil }
            node = members[key]
        }
        if case .number(let value) = node { return value }
        return nil
    }

    /// The fixture's rule with its streams in `folder` (predictions rotate by rename to `.1`, which the glob does not match).
    static func rule(from fixture: URL, streams folder: URL, maxDelay: String) throws -> String {
        var text = try String(contentsOf: fixture.appendingPathComponent("rule.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"path\": \"predictions.jsonl\"", with: "\"path\": \"\(folder.path)/predictions*.jsonl\"")
        text = text.replacingOccurrences(of: "\"path\": \"labels.jsonl\"", with: "\"path\": \"\(folder.path)/labels*.jsonl\", \"max_delay\": \"\(maxDelay)\"")
        return text
    }

    static func append(_ lines: ArraySlice<String>, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        handle.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        try handle.close()
    }

    @Test func storedResultsEqualReplayAfterKillsRotationAndReload() throws {
        let fixture = DriftdProcess.fixtures.appendingPathComponent("replay/binary")
        let root = try DriftdProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (rules, state, streams) = (root.appendingPathComponent("rules"), root.appendingPathComponent("state"), root.appendingPathComponent("streams"))
        for folder in [rules, state, streams] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try Self.rule(from: fixture, streams: streams, maxDelay: "3s").write(to: rules.appendingPathComponent("binary.json"), atomically: true, encoding: .utf8)

        let predictions = try String(contentsOf: fixture.appendingPathComponent("predictions.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
        let labels = try String(contentsOf: fixture.appendingPathComponent("labels.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
        // Labels follow their predictions' chunk; labels of unknown ids come last.
        func id(_ line: String) -> String { (try? JSONDecoder().decode([String: JSONTree].self, from: Data(line.utf8))).flatMap { if case .string(let s) = $0["id"] { s } else { nil } } ?? "" }
        var labelsByID: [String: [String]] = [:]
        for line in labels { labelsByID[id(line), default: []].append(line) }

        let log = root.appendingPathComponent("daemon.log")
        var daemon = try Daemon(rules: rules, state: state, log: log)
        var starts = 1
        defer { daemon.stop() }
        let predictionsFile = streams.appendingPathComponent("predictions.jsonl")
        let labelsFile = streams.appendingPathComponent("labels.jsonl")
        var generator = SystemRandomNumberGenerator()
        var written = 0
        var chunk = 0
        while written < predictions.count {
            let next = min(predictions.count, written + Int.random(in: 50...400, using: &generator))
            try Self.append(predictions[written..<next], to: predictionsFile)
            let chunkLabels = predictions[written..<next].flatMap { labelsByID.removeValue(forKey: id($0)) ?? [] }
            try Self.append(chunkLabels[...], to: labelsFile)
            written = next
            chunk += 1
            if chunk % 3 == 0 {
                // Rotation by rename, as logrotate's `create` mode does it.
                try? FileManager.default.removeItem(at: streams.appendingPathComponent("predictions.jsonl.1"))
                try FileManager.default.moveItem(at: predictionsFile, to: streams.appendingPathComponent("predictions.jsonl.1"))
            }
            usleep(UInt32.random(in: 20_000...200_000, using: &generator))
            if chunk % 4 == 1 {
                daemon.kill(SIGKILL)
                daemon.process.waitUntilExit()
                daemon = try Daemon(rules: rules, state: state, log: log)
                starts += 1
            }
        }
        try Self.append(labelsByID.values.flatMap { $0 }.sorted()[...], to: labelsFile)

        // A reload with an invalid file is refused and logged; the daemon goes on. (systemd sends
        // SIGHUP only once the service is ready: so does the test.)
        #expect(Self.wait(seconds: 20) { daemon.log.components(separatedBy: "driftd started").count - 1 == starts }, "\(daemon.logTail)")
        try "{\"monitor\": 1}".write(to: rules.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        daemon.kill(SIGHUP)
        #expect(Self.wait(seconds: 10) { daemon.log.contains("broken.json:1:") }, "\(daemon.logTail)")
        #expect(daemon.process.isRunning)
        try FileManager.default.removeItem(at: rules.appendingPathComponent("broken.json"))

        // Caught up: every record read, the unlabeled ones released after max_delay.
        let scratch = root.appendingPathComponent("scratch")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        var stored: JSONTree?
        let caughtUp = Self.wait(seconds: 60) {
            stored = Self.storedReport(state: state, monitor: "binary-case", into: scratch)
            return Self.number(stored, "counts", "records") == Double(predictions.count)
                && Self.number(stored, "counts", "labels") == Double(labels.count)
        }
        #expect(caughtUp, "log:\n\(daemon.logTail)")
        daemon.stop()
        #expect(daemon.process.terminationStatus == 0, "\(daemon.logTail)")

        // replay on the same lines, in one file each.
        let replayFolder = root.appendingPathComponent("replay")
        try FileManager.default.createDirectory(at: replayFolder, withIntermediateDirectories: true)
        let replayReport = replayFolder.appendingPathComponent("report.json")
        let result = try DriftdProcess.run(["replay", fixture.appendingPathComponent("rule.json").path, "--report", replayReport.path, "--quiet"])
        #expect(result.status == 0, "\(result.standardError)")
        guard case .object(var expected) = try JSONTree.load(replayReport), case .object(var actual) = stored else {
            Issue.record("no stored report")
            return
        }
        // Malformed lines name their files, which differ; everything else is the same.
        expected["malformed"] = nil
        actual["malformed"] = nil
        var mismatches: [String] = []
        JSONComparison.compare(expected: .object(expected), actual: .object(actual), path: "binary", mismatches: &mismatches)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5).map { String($0.prefix(300)) }.joined(separator: "\n"))")
    }

    @Test func stalledStreamAndMalformedLinesRaiseDaemonAlerts() throws {
        let root = try DriftdProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (rules, state) = (root.appendingPathComponent("rules"), root.appendingPathComponent("state"))
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try """
        {"monitor": "quiet", "task": "regression", "predictions": {"path": "\(root.path)/p*.jsonl"},
         "reference": {"first": 10}, "window": {"size": 10},
         "features": {"x": {"type": "numerical", "drift": [{"method": "psi", "bins": 2}]}},
         "alerts": {"stalled_after": "1s", "max_malformed_rate": 0.1}}
        """.write(to: rules.appendingPathComponent("quiet.json"), atomically: true, encoding: .utf8)
        // 1,000 lines, 150 of them malformed: 15 % > 10 %.
        let lines = (0..<1000).map { $0 % 20 < 3 ? "not json" : "{\"id\":\"p\($0)\",\"features\":{\"x\":\($0 % 7)}}" }
        try Self.append(lines[...], to: root.appendingPathComponent("p.jsonl"))
        let daemon = try Daemon(rules: rules, state: state, log: root.appendingPathComponent("log"))
        defer { daemon.stop() }
        var listed = ""
        let raised = Self.wait(seconds: 20) {
            listed = (try? DriftdProcess.run(["alerts", "--state", state.path, "--monitor", "quiet"]))?.standardOutput ?? ""
            return listed.contains("stream_stalled") && listed.contains("ingest_errors")
        }
        #expect(raised, "\(listed)\n\(daemon.log)")
        #expect(listed.contains("150 of 1000 lines malformed"), "\(listed)")
        // Raised once per stall, not every round.
        #expect(listed.components(separatedBy: "stream_stalled").count == 2, "\(listed)")
        // The same alerts in the real journald, when one is running (make test starts one).
        if FileManager.default.fileExists(atPath: "/run/systemd/journal/socket") {
            var entries = ""
            let inJournal = Self.wait(seconds: 20) {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/journalctl")
                process.arguments = ["-t", "driftd", "DRIFTD_MONITOR=quiet", "DRIFTD_KIND=ingest_errors", "-o", "json", "--no-pager"]
                let pipe = Pipe()
                process.standardOutput = pipe
                try? process.run()
                entries = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                return entries.contains("\"DRIFTD_KIND\":\"ingest_errors\"")
            }
            #expect(inJournal, "\(entries)")
        }
        let json = try DriftdProcess.run(["alerts", "--state", state.path, "--since", "1h", "--json"])
        #expect(json.standardOutput.split(separator: "\n").contains { $0.hasPrefix("{\"raised_at\":") && $0.contains("\"kind\":\"ingest_errors\"") },
                "\(json.standardOutput)")
    }

    @Test func invalidRulesAtStartExitOneWithDiagnostics() throws {
        let root = try DriftdProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try "{\"monitor\": \"m\", \"tsak\": 1}".write(to: root.appendingPathComponent("m.json"), atomically: true, encoding: .utf8)
        let result = try DriftdProcess.run(["run", "--rules", root.path, "--state", root.appendingPathComponent("state").path])
        #expect(result.status == 1)
        #expect(result.standardError.contains("m.json:1:"), "\(result.standardError)")
    }
}

/// The service manager's side of `Type=notify`: a datagram socket the test owns as `NOTIFY_SOCKET`.
@Suite(.serialized) struct DaemonNotifyTests {
    /// A bound AF_UNIX datagram socket that collects what the daemon sends.
    final class NotifySocket {
        let path: String
        let descriptor: Int32

        init(path: String) throws {
            self.path = path
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (i, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit {
            close(descriptor)
            unlink(path)
        }

        /// Datagrams received so far (waits up to 0.1 s for one).
        func receive() -> [String] {
            var messages: [String] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                guard count > 0 else { return messages }
                messages.append(String(decoding: buffer[..<count], as: UTF8.self))
            }
        }
    }

    @Test func notifiesReadyReloadingAndStopping() throws {
        let root = try DriftdProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let rules = root.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try """
        {"monitor": "m", "task": "regression", "predictions": {"path": "\(root.path)/p*.jsonl"},
         "reference": {"first": 2}, "window": {"size": 2},
         "features": {"x": {"type": "numerical", "drift": [{"method": "psi", "bins": 2}]}}}
        """.write(to: rules.appendingPathComponent("m.json"), atomically: true, encoding: .utf8)
        let socket = try NotifySocket(path: root.appendingPathComponent("notify").path)
        var messages: [String] = []
        let daemon = try DaemonTests.Daemon(rules: rules, state: root.appendingPathComponent("state"), log: root.appendingPathComponent("log"),
                                            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000"])
        defer { daemon.stop() }
        #expect(DaemonTests.wait(seconds: 20) { messages += socket.receive(); return messages.contains { $0.contains("READY=1") } }, "\(messages)")
        #expect(messages.contains { $0.contains("STATUS=1 monitors") }, "\(messages)")
        #expect(DaemonTests.wait(seconds: 5) { messages += socket.receive(); return messages.contains("WATCHDOG=1") }, "\(messages)")
        // Loopback HTTP on the port the daemon picked (it logs the address).
        var address = ""
        #expect(DaemonTests.wait(seconds: 10) {
            guard let range = daemon.log.range(of: #"address=127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else { return false }
            address = String(daemon.log[range].dropFirst("address=".count))
            return true
        }, "\(daemon.log)")
        let metrics = try String(contentsOf: URL(string: "http://\(address)/metrics")!, encoding: .utf8)
        #expect(metrics.contains("driftd_monitors 1"), "\(metrics)")
        let health = try String(contentsOf: URL(string: "http://\(address)/healthz")!, encoding: .utf8)
        #expect(health.hasPrefix("ok"))
        // Retried: one run under a fully loaded test suite saw "I/O on closed channel" (see the closing note).
        var status = try DriftdProcess.run(["status", "--listen", address])
        for _ in 0..<3 where status.status != 0 {
            usleep(500_000)
            status = try DriftdProcess.run(["status", "--listen", address])
        }
        #expect(status.status == 0 && status.standardOutput.contains("m"), "\(status.standardOutput)\(status.standardError)")

        daemon.kill(SIGHUP)
        #expect(DaemonTests.wait(seconds: 10) { messages += socket.receive(); return messages.contains { $0.contains("RELOADING=1") } }, "\(messages)")
        daemon.stop()
        messages += socket.receive()
        #expect(messages.contains { $0.contains("STOPPING=1") }, "\(messages)")
        #expect(daemon.process.terminationStatus == 0, "\(daemon.logTail)")
    }
}
