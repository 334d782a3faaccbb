import DriftDaemon
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import ServiceLifecycle

struct ServiceDidNotStart: Error {}

let quietLogger = Logger(label: "driftd.test") { _ in SwiftLogNoOpLogHandler() }

/// Runs a real `HTTPService` in a `ServiceGroup`, hands `body` the bound address, then shuts the
/// group down gracefully and waits for it to end.
@discardableResult
func withRunningHTTPService<T: Sendable>(
    _ configuration: HTTPService.Configuration = .init(port: 0),
    metrics: DaemonMetrics = DaemonMetrics(version: "test"),
    status: @escaping @Sendable () -> DaemonStatus = { DaemonStatusFixture.status },
    healthy: @escaping @Sendable () -> Bool = { true },
    report: (@Sendable (String, Int) throws -> String)? = nil,
    _ body: (ListenAddress) async throws -> T
) async throws -> T {
    let (addresses, continuation) = AsyncStream.makeStream(of: ListenAddress.self)
    let service = try HTTPService(configuration: configuration, metrics: metrics, status: status, healthy: healthy,
                                  logger: quietLogger, onListening: { continuation.yield($0) }, report: report)
    let group = ServiceGroup(configuration: .init(services: [service], logger: quietLogger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = addresses.makeAsyncIterator()
        guard let address = await iterator.next() else {
            try await tasks.waitForAll()
            throw ServiceDidNotStart()
        }
        do {
            let result = try await body(address)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

/// One plain HTTP GET.
struct HTTPAnswer {
    var status: Int
    var contentType: String?
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
}

func httpGet(_ address: ListenAddress, _ path: String) async throws -> HTTPAnswer {
    try await httpGet(URL(string: "http://\(address.connectable)\(path)")!)
}

func httpGet(_ url: URL) async throws -> HTTPAnswer {
    let (data, response) = try await URLSession.shared.data(from: url)
    let http = response as! HTTPURLResponse
    return HTTPAnswer(status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type"), body: data)
}
