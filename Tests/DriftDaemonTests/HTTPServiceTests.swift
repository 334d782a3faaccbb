import DriftDaemon
import Foundation
import Synchronization
import Testing

/// The real HTTP service on loopback, on a port the kernel picks.
@Suite(.timeLimit(.minutes(1)))
struct HTTPServiceTests {
    @Test func healthzIs200WhileHealthyAnd503Otherwise() async throws {
        let healthy = Atomic(true)
        let isHealthy: @Sendable () -> Bool = { healthy.load(ordering: .relaxed) }
        try await withRunningHTTPService(healthy: isHealthy) { address in
            let ok = try await httpGet(address, "/healthz")
            #expect(ok.status == 200)
            #expect(ok.text == "ok\n")
            healthy.store(false, ordering: .relaxed)
            let down = try await httpGet(address, "/healthz")
            #expect(down.status == 503)
        }
    }

    @Test func statusRoundTripsThroughStatusClient() async throws {
        try await withRunningHTTPService { address in
            let answer = try await httpGet(address, "/status")
            #expect(answer.status == 200)
            #expect(answer.contentType == "application/json")
            let fetched = try await StatusClient.fetch(listen: address)
            #expect(fetched == DaemonStatusFixture.status)
        }
    }

    @Test func metricsAfterWindowsAndAlertsPassPromtool() async throws {
        let (metrics, fixture) = DaemonMetricsTests.recordedMetrics()
        try await withRunningHTTPService(metrics: metrics) { address in
            let answer = try await httpGet(address, "/metrics")
            #expect(answer.status == 200)
            #expect(answer.contentType == "text/plain; version=0.0.4; charset=utf-8")
            let text = Exposition(answer.text)
            #expect(text.value("driftd_windows_total", ["monitor": EngineFixture.monitor]) == Double(fixture.windows.count))
            #expect(text.value("driftd_alerts_total", ["monitor": EngineFixture.monitor, "kind": "data_drift", "severity": "warning"])
                == Double(fixture.alerts.filter { $0.kind == .dataDrift }.count))
            let check = try ChildProcess.run("/usr/bin/promtool", ["check", "metrics"], stdin: Array(answer.body))
            #expect(check.status == 0, "promtool check metrics: \(check.output)")
        }
    }

    @Test func reportRouteServesTheMonitorsPageAndA404ForAnUnknownOne() async throws {
        struct NoSuchMonitor: Error, CustomStringConvertible { var description: String { "no monitor \"nope\"" } }
        try await withRunningHTTPService(report: { monitor, windows in
            guard monitor != "nope" else { throw NoSuchMonitor() }
            return "<!doctype html><p>\(monitor) \(windows)</p>"
        }) { address in
            let page = try await httpGet(address, "/report/taxi?windows=5")
            #expect(page.status == 200)
            #expect(page.contentType?.hasPrefix("text/html") == true)
            #expect(page.text == "<!doctype html><p>taxi 5</p>")
            #expect(try await httpGet(address, "/report/taxi").text.contains("taxi 20"), "20 windows by default")
            let missing = try await httpGet(address, "/report/nope")
            #expect(missing.status == 404 && missing.text.contains("no monitor"))
        }
    }

    @Test func unknownPathIs404() async throws {
        try await withRunningHTTPService { address in
            let answer = try await httpGet(address, "/report")
            #expect(answer.status == 404)
        }
    }

    @Test(arguments: ["0.0.0.0", "::", "192.0.2.1"])
    func refusesNonLoopbackHostWithoutTheFlag(host: String) {
        #expect {
            try HTTPService(configuration: .init(host: host, port: 9464), metrics: DaemonMetrics(version: "test"),
                            status: { DaemonStatusFixture.status }, healthy: { true }, logger: quietLogger)
        } throws: { error in
            (error as? ListenAddressError)?.code == .nonLoopbackHost
        }
    }

    @Test func servesOnEveryInterfaceWithTheFlag() async throws {
        try await withRunningHTTPService(.init(host: "0.0.0.0", port: 0, allowNonLoopback: true)) { address in
            #expect(address.host == "0.0.0.0")
            #expect(address.port > 0)
            let answer = try await httpGet(address, "/healthz")
            #expect(answer.status == 200)
        }
    }

    @Test func servesOnIPv6Loopback() async throws {
        try await withRunningHTTPService(.init(listen: try ListenAddress(parsing: "[::1]:0"))) { address in
            let fetched = try await StatusClient.fetch(listen: address)
            #expect(fetched == DaemonStatusFixture.status)
        }
    }

    @Test func aPortInUseIsAnErrorNamingTheAddress() async throws {
        try await withRunningHTTPService { address in
            await #expect {
                _ = try await withRunningHTTPService(.init(listen: address)) { _ in }
            } throws: { error in
                (error as? HTTPServiceError)?.address == address
            }
        }
    }

    @Test func stopsListeningOnGracefulShutdown() async throws {
        let address = try await withRunningHTTPService { address in address }
        await #expect {
            try await StatusClient.fetch(listen: address)
        } throws: { error in
            (error as? StatusClientError)?.code == .unreachable
        }
    }

    @Test func statusClientReportsNobodyListening() async throws {
        let port = try freePort()
        await #expect {
            try await StatusClient.fetch(listen: ListenAddress(host: "127.0.0.1", port: port))
        } throws: { error in
            (error as? StatusClientError)?.code == .unreachable
        }
    }
}
