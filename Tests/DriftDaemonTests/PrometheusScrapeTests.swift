import DriftDaemon
import Foundation
import Testing

/// The real Prometheus server scrapes the real HTTP service and answers a PromQL query with our value.
@Suite(.timeLimit(.minutes(2)))
struct PrometheusScrapeTests {
    /// A `prometheus` child process with a temporary config and TSDB, stopped by `stop()`.
    final class PrometheusServer {
        let process = Process()
        let folder: URL
        let port: Int

        init(scraping target: ListenAddress) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("driftd-prometheus-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            port = try freePort()
            let config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: driftd
                static_configs:
                  - targets: ['\(target.connectable)']
            """
            try config.write(to: folder.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
            process.arguments = [
                "--config.file=\(folder.path)/prometheus.yml",
                "--storage.tsdb.path=\(folder.path)/data",
                "--web.listen-address=127.0.0.1:\(port)",
                "--log.level=warn",
            ]
            let log = folder.appendingPathComponent("prometheus.log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        /// The first sample of an instant query, or nil while Prometheus has none (or is starting).
        func query(_ promQL: String) async -> Double? {
            var components = URLComponents(string: "http://127.0.0.1:\(port)/api/v1/query")!
            components.queryItems = [URLQueryItem(name: "query", value: promQL)]
            guard let answer = try? await httpGet(components.url!), answer.status == 200,
                  let json = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any],
                  let data = json["data"] as? [String: Any],
                  let result = data["result"] as? [[String: Any]],
                  let value = result.first?["value"] as? [Any], value.count == 2,
                  let text = value[1] as? String else { return nil }
            return Double(text)
        }

        var log: String {
            (try? String(contentsOf: folder.appendingPathComponent("prometheus.log"), encoding: .utf8)) ?? ""
        }

        func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(at: folder)
        }
    }

    @Test func prometheusScrapesWindowsTotal() async throws {
        let (metrics, fixture) = DaemonMetricsTests.recordedMetrics()
        let expected = Double(fixture.windows.count)
        try await withRunningHTTPService(metrics: metrics) { address in
            let prometheus = try PrometheusServer(scraping: address)
            defer { prometheus.stop() }
            var last: Double?
            let scraped = try await waitUntil(timeout: .seconds(60), every: .milliseconds(250)) {
                last = await prometheus.query(#"driftd_windows_total{job="driftd",monitor="\#(EngineFixture.monitor)"}"#)
                return last == expected
            }
            #expect(scraped, "Prometheus answered \(String(describing: last)), expected \(expected); log:\n\(prometheus.log)")
            #expect(try await waitUntil(timeout: .seconds(60), every: .milliseconds(250)) {
                await prometheus.query(#"max by (monitor, feature) (driftd_drift_value{method="psi"})"#) != nil
            })
            // The latest scrape succeeded (eventually: with a 1 s scrape timeout, a scrape during a
            // loaded test run may time out and set `up` to 0 until the next one).
            #expect(try await waitUntil(timeout: .seconds(60), every: .milliseconds(250)) {
                await prometheus.query(#"up{job="driftd"}"#) == 1
            })
        }
    }
}
