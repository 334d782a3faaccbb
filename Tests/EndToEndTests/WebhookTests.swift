import Foundation
import Testing

/// Webhook delivery from the daemon: at least once through failures, stalls and a `kill -9`; and a
/// real Alertmanager (Debian's prometheus-alertmanager) that sees the alert fire and resolve.
@Suite(.serialized) struct WebhookTests {
    /// 100 reference lines, then windows of 100 lines: `drifting` windows have x shifted far away.
    static func lines(windows drifting: [Bool], startingAt first: Int = 0) -> [String] {
        var lines: [String] = []
        if first == 0 { lines += (0..<100).map { "{\"id\":\"r\($0)\",\"features\":{\"x\":\($0 % 10)}}" } }
        for (offset, drifts) in drifting.enumerated() {
            let window = first + offset
            lines += (0..<100).map { "{\"id\":\"w\(window)-\($0)\",\"features\":{\"x\":\((drifts ? 20 : 0) + $0 % 10)}}" }
        }
        return lines
    }

    static func rule(monitor: String, streams: URL, webhook: String) -> String {
        """
        {"monitor": "\(monitor)", "task": "regression", "predictions": {"path": "\(streams.path)/p*.jsonl"},
         "reference": {"first": 100}, "window": {"size": 100},
         "features": {"x": {"type": "numerical", "drift": [{"method": "psi", "threshold": 0.2, "bins": 5}]}},
         "alerts": {"webhooks": [\(webhook)]}}
        """
    }

    static func alertsJSON(state: URL, monitor: String) -> [[String: Any]] {
        guard let output = try? DriftdProcess.run(["alerts", "--state", state.path, "--monitor", monitor, "--json"]), output.status == 0 else { return [] }
        return output.standardOutput.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    static func allDelivered(_ alerts: [[String: Any]]) -> Bool {
        alerts.allSatisfy { alert in
            let deliveries = alert["deliveries"] as? [[String: Any]] ?? []
            return !deliveries.isEmpty && deliveries.allSatisfy { $0["state"] as? String == "delivered" }
        }
    }

    /// `openssl dgst -sha256 -mac HMAC` of `body` with `key`: the reference signature.
    static func opensslHMAC(_ body: [UInt8], key: String, scratch: URL) throws -> String {
        let file = scratch.appendingPathComponent("body-\(UUID().uuidString)")
        try Data(body).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["dgst", "-sha256", "-mac", "HMAC", "-macopt", "key:\(key)", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return "sha256=" + (output.split(separator: " ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func everyNotificationArrivesThroughFailuresStallsAndKillNine() throws {
        let root = try DriftdProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (rules, state, log) = (root.appendingPathComponent("rules"), root.appendingPathComponent("state"), root.appendingPathComponent("log"))
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try "hook-secret\n".write(to: root.appendingPathComponent("secret"), atomically: true, encoding: .utf8)
        // Three failures, two stalls past the 1 s timeout, then it accepts.
        let receiver = WebhookReceiver(script: [.fail, .fail, .fail, .stall(seconds: 2.5), .stall(seconds: 2.5)])
        try receiver.start()
        defer { receiver.stop() }
        let port = try #require(receiver.port)
        try Self.rule(monitor: "hooked", streams: root, webhook: """
            {"url": "http://127.0.0.1:\(port)/hook", "secret_file": "\(root.path)/secret", "timeout": "1s", "send_resolved": true}
            """).write(to: rules.appendingPathComponent("hooked.json"), atomically: true, encoding: .utf8)
        let stream = root.appendingPathComponent("p.jsonl")
        // Windows 0-2: drift, clean, drift.
        try DaemonTests.append(Self.lines(windows: [true, false, true])[...], to: stream)
        var daemon = try DaemonTests.Daemon(rules: rules, state: state, log: log)
        #expect(DaemonTests.wait(seconds: 30) { Self.alertsJSON(state: state, monitor: "hooked").count == 2 }, "\(daemon.logTail)")
        // Killed while deliveries are still being retried; more windows arrive while it is down.
        daemon.kill(SIGKILL)
        daemon.process.waitUntilExit()
        try DaemonTests.append(Self.lines(windows: [false, true, false], startingAt: 3)[...], to: stream)
        daemon = try DaemonTests.Daemon(rules: rules, state: state, log: log)
        defer { daemon.stop() }
        var alerts: [[String: Any]] = []
        let delivered = DaemonTests.wait(seconds: 90) {
            alerts = Self.alertsJSON(state: state, monitor: "hooked")
            let acceptedIDs = Set(receiver.requests.filter(\.accepted).compactMap(\.idempotencyKey))
            return alerts.count == 3 && Self.allDelivered(alerts) && acceptedIDs.count == 6
        }
        #expect(delivered, "\(alerts)\n\(daemon.logTail)")
        let requests = receiver.requests
        let accepted = requests.filter(\.accepted)
        // Firing for windows 0, 2, 4; resolved by windows 1, 3, 5.
        let bodies = accepted.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.body))) as? [String: Any] }
        let byID = Dictionary(bodies.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byID.values.filter { $0["status"] as? String == "firing" }.compactMap { $0["window"] as? Int }.sorted() == [0, 2, 4])
        #expect(byID.values.filter { $0["status"] as? String == "resolved" }.count == 3)
        #expect(byID.values.allSatisfy { $0["kind"] as? String == "data_drift" && $0["monitor"] as? String == "hooked" })
        // The body's id is the Idempotency-Key; every request is signed with the secret (without its newline).
        for request in requests {
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any]
            #expect(body?["id"] as? String == request.idempotencyKey)
        }
        for request in accepted.prefix(6) {
            #expect(request.signature == (try Self.opensslHMAC(request.body, key: "hook-secret", scratch: root)))
        }
        // The failures and stalls were retried: more requests than notifications.
        #expect(requests.count >= 6 + 5, "\(requests.count) requests")
        #expect(!daemon.log.contains("hook-secret"), "the secret must never be logged")
        // Nor stored, listed, or shown by /status.
        for file in try FileManager.default.contentsOfDirectory(atPath: state.path) {
            let bytes = try Data(contentsOf: state.appendingPathComponent(file))
            #expect(bytes.range(of: Data("hook-secret".utf8)) == nil, "the secret is in \(file)")
        }
        for arguments in [["alerts", "--state", state.path], ["alerts", "--state", state.path, "--json"]] {
            let listed = try DriftdProcess.run(arguments)
            #expect(listed.status == 0 && !listed.standardOutput.isEmpty && !listed.standardOutput.contains("hook-secret"))
        }
        // The log holds both runs: the last address is the running daemon's.
        let address = try #require(daemon.log.matches(of: /address=(127\.0\.0\.1:\d+)/).last?.1)
        let status = try DriftdProcess.run(["status", "--listen", String(address), "--json"])
        #expect(status.status == 0 && status.standardOutput.contains("hooked") && !status.standardOutput.contains("hook-secret"))
    }

    /// Found by Reliability/receivers.py: deliveries were posted in batches of 16 and a batch waited
    /// for its slowest post, so a receiver that hangs held back every other receiver for its whole
    /// timeout per batch. Now a hung receiver holds at most 8 slots and the others go on.
    @Test func aHungReceiverDoesNotHoldBackTheOthers() throws {
        let root = try DriftdProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (rules, state) = (root.appendingPathComponent("rules"), root.appendingPathComponent("state"))
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let hung = WebhookReceiver(script: Array(repeating: .stall(seconds: 25), count: 200))
        let healthy = WebhookReceiver(script: [])
        try hung.start()
        try healthy.start()
        defer { hung.stop(); healthy.stop() }
        let (hungPort, healthyPort) = (try #require(hung.port), try #require(healthy.port))
        try Self.rule(monitor: "two-hooks", streams: root, webhook: """
            {"url": "http://127.0.0.1:\(hungPort)/hook", "timeout": "20s", "send_resolved": true},
            {"url": "http://127.0.0.1:\(healthyPort)/hook", "timeout": "2s", "send_resolved": true}
            """).write(to: rules.appendingPathComponent("two-hooks.json"), atomically: true, encoding: .utf8)
        // 40 windows, drifting every other one: 20 firing and 20 resolved notifications per webhook.
        try DaemonTests.append(Self.lines(windows: (0..<40).map { $0 % 2 == 0 })[...], to: root.appendingPathComponent("p.jsonl"))
        let daemon = try DaemonTests.Daemon(rules: rules, state: state, log: root.appendingPathComponent("daemon.log"))
        defer { daemon.stop() }
        var hungRequestsThen = -1
        let allDelivered = DaemonTests.wait(seconds: 60) {
            hungRequestsThen = hung.requests.count
            return Set(healthy.requests.filter(\.accepted).compactMap(\.idempotencyKey)).count == 40
        }
        #expect(allDelivered, "\(healthy.requests.count) requests to the healthy receiver\n\(daemon.logTail)")
        // Delivered while the hung receiver's first posts were still waiting for their timeout.
        #expect(hungRequestsThen <= 8, "\(hungRequestsThen) requests to the hung receiver")
        // Not SIGTERM: it would wait for the hung posts' timeout (this test blocks a thread the
        // suite's async tests share).
        daemon.kill(SIGKILL)
        daemon.process.waitUntilExit()
    }

    /// A free TCP port on loopback (bound, read, released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func amtool(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/amtool")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        guard (try? process.run()) != nil else { return (-1, "") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus-alertmanager")))
    func realAlertmanagerSeesTheAlertFireAndResolve() throws {
        let root = try DriftdProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (rules, state, log) = (root.appendingPathComponent("rules"), root.appendingPathComponent("state"), root.appendingPathComponent("log"))
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let port = try Self.freePort()
        try """
            route: {receiver: nowhere, group_wait: 1s}
            receivers: [{name: nowhere}]
            """.write(to: root.appendingPathComponent("alertmanager.yml"), atomically: true, encoding: .utf8)
        let alertmanager = Process()
        alertmanager.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus-alertmanager")
        alertmanager.arguments = ["--config.file=\(root.path)/alertmanager.yml", "--storage.path=\(root.path)/am-data",
                                  "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address="]
        let amLog = try FileHandle(forWritingTo: { let url = root.appendingPathComponent("am.log"); FileManager.default.createFile(atPath: url.path, contents: nil); return url }())
        alertmanager.standardOutput = amLog
        alertmanager.standardError = amLog
        try alertmanager.run()
        defer { alertmanager.terminate(); alertmanager.waitUntilExit() }
        let url = "http://127.0.0.1:\(port)"
        let query = ["alert", "query", "--alertmanager.url=\(url)", "-o", "json", "alertname=data_drift", "monitor=am-drift"]
        #expect(DaemonTests.wait(seconds: 30) { Self.amtool(query).status == 0 }, "alertmanager did not come up")
        try Self.rule(monitor: "am-drift", streams: root, webhook: """
            {"url": "\(url)/api/v2/alerts", "format": "alertmanager"}
            """).write(to: rules.appendingPathComponent("am.json"), atomically: true, encoding: .utf8)
        let stream = root.appendingPathComponent("p.jsonl")
        try DaemonTests.append(Self.lines(windows: [true])[...], to: stream)
        let daemon = try DaemonTests.Daemon(rules: rules, state: state, log: log)
        defer { daemon.stop() }
        var seen = ""
        let fired = DaemonTests.wait(seconds: 30) {
            seen = Self.amtool(query).output
            return seen.contains("\"monitor\":\"am-drift\"") && seen.contains("\"feature\":\"x\"")
        }
        #expect(fired, "amtool: \(seen)\n\(daemon.logTail)")
        // A clean window: the condition clears and Alertmanager gets endsAt.
        try DaemonTests.append(Self.lines(windows: [false], startingAt: 1)[...], to: stream)
        let resolved = DaemonTests.wait(seconds: 30) {
            seen = Self.amtool(query).output
            return Self.amtool(query).status == 0 && !seen.contains("am-drift")
        }
        #expect(resolved, "still active in Alertmanager: \(seen)\n\(daemon.logTail)")
        #expect(Self.allDelivered(Self.alertsJSON(state: state, monitor: "am-drift")))
    }
}
