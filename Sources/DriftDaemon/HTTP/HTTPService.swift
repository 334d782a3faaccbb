import Foundation
import Hummingbird
public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle

/// The daemon's loopback HTTP endpoint: `/metrics` (Prometheus text format 0.0.4), `/healthz`
/// (200 "ok" while healthy, 503 otherwise), `/status` (`DaemonStatus` as JSON) and `/report/MONITOR`
/// (the HTML report of a monitor's stored results; `?windows=N`, default 20).
///
/// A swift-service-lifecycle `Service` running a Hummingbird 2 application; it stops on graceful
/// shutdown. It binds loopback only unless the configuration allows otherwise, since the status and
/// the metrics name monitors, features and paths.
public struct HTTPService: Service {
    /// Where to listen.
    public struct Configuration: Sendable, Equatable {
        public var address: ListenAddress
        /// Allows a host outside 127.0.0.0/8, ::1 and localhost.
        public var allowNonLoopback: Bool

        /// Defaults to `127.0.0.1:9464`, loopback only.
        public init(host: String = ListenAddress.default.host, port: Int = ListenAddress.default.port,
                    allowNonLoopback: Bool = false) {
            self.init(listen: ListenAddress(host: host, port: port), allowNonLoopback: allowNonLoopback)
        }

        /// From a parsed `--listen` value.
        public init(listen: ListenAddress, allowNonLoopback: Bool = false) {
            address = listen
            self.allowNonLoopback = allowNonLoopback
        }
    }

    /// The `Content-Type` of `/metrics`.
    public static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    public let configuration: Configuration
    private let metrics: DaemonMetrics
    private let status: @Sendable () -> DaemonStatus
    private let healthy: @Sendable () -> Bool
    private let logger: Logger
    private let onListening: @Sendable (ListenAddress) async -> Void
    private let report: (@Sendable (_ monitor: String, _ windows: Int) throws -> String)?

    /// Checks the address; refuses a non-loopback host unless `configuration.allowNonLoopback`.
    ///
    /// - Parameters:
    ///   - status: called for each `/status` request.
    ///   - healthy: called for each `/healthz` request.
    ///   - onListening: called once the socket is bound, with the bound address (the real port
    ///     when the configuration asks for port 0).
    ///   - report: the HTML page of a monitor for `/report/MONITOR` (run on a thread pool: it rebuilds
    ///     the monitor's engine from the state database); nil answers 404.
    public init(configuration: Configuration, metrics: DaemonMetrics, status: @escaping @Sendable () -> DaemonStatus,
                healthy: @escaping @Sendable () -> Bool, logger: Logger,
                onListening: @escaping @Sendable (ListenAddress) async -> Void = { _ in },
                report: (@Sendable (_ monitor: String, _ windows: Int) throws -> String)? = nil) throws(ListenAddressError) {
        try configuration.address.validate(allowNonLoopback: configuration.allowNonLoopback)
        self.configuration = configuration
        self.metrics = metrics
        self.status = status
        self.healthy = healthy
        self.logger = logger
        self.onListening = onListening
        self.report = report
    }

    /// Serves until graceful shutdown (or cancellation).
    public func run() async throws {
        let address = configuration.address
        let logger = logger
        let onListening = onListening
        let application = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "driftd"),
            onServerRunning: { channel in
                let bound = ListenAddress(host: address.host, port: channel.localAddress?.port ?? address.port)
                logger.info("serving /metrics, /healthz, /status", metadata: ["http.address": "\(bound)"])
                await onListening(bound)
            },
            logger: logger)
        do {
            try await application.run()
        } catch is CancellationError {
            return
        } catch {
            throw HTTPServiceError(address: address, message: "cannot serve", cause: String(describing: error))
        }
    }

    private func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let metrics = metrics
        let status = status
        let healthy = healthy
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: Self.metricsContentType],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get("/healthz") { _, _ -> Response in
            let ok = healthy()
            return Response(status: ok ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: ok ? "ok\n" : "unhealthy\n")))
        }
        router.get("/status") { _, _ -> Response in
            let body = try DaemonStatus.makeEncoder().encode(status())
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        let report = report
        router.get("/report/:monitor") { request, context -> Response in
            let text = ["content-type": "text/plain; charset=utf-8"]
            guard let report, let monitor = context.parameters.get("monitor") else {
                return Response(status: .notFound, headers: [.contentType: text["content-type"]!], body: .init(byteBuffer: ByteBuffer(string: "no reports here\n")))
            }
            let windows = request.uri.queryParameters.get("windows").flatMap { Int($0) }.map { max(1, $0) } ?? 20
            do {
                let page = try await NIOThreadPool.singleton.runIfActive { try report(monitor, windows) }
                return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
            } catch {
                return Response(status: .notFound, headers: [.contentType: text["content-type"]!],
                                body: .init(byteBuffer: ByteBuffer(string: "\(error)\n")))
            }
        }
        return router
    }
}
