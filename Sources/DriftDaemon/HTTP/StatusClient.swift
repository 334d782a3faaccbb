import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The client side of `driftd status`: one HTTP/1.1 GET of `/status` on the daemon's listen address.
///
/// A small swift-nio client rather than `URLSession`: FoundationNetworking in Swift 6.3 on Linux
/// fails every request to an IPv6 literal (`http://[::1]:9464/`) with `NSURLErrorBadURL`
/// (swift-corelibs-foundation issue #5496), and `--listen [::1]:9464` is a loopback address we support.
public enum StatusClient {
    /// Fetches and decodes the daemon's status.
    ///
    /// - Parameters:
    ///   - listen: the daemon's `--listen` address; `0.0.0.0` and `::` are reached on loopback.
    ///   - timeout: how long to wait for the whole answer.
    public static func fetch(listen: ListenAddress = .default, timeout: Duration = .seconds(5))
        async throws(StatusClientError) -> DaemonStatus {
        let address = listen.connectable
        let url = "http://\(address)/status"
        let answer: (status: Int, body: [UInt8])
        do {
            answer = try await withThrowingTaskGroup(of: (status: Int, body: [UInt8])?.self) { group in
                group.addTask { try await get(address, path: "/status") }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                let first = try await group.next()!
                group.cancelAll()
                guard let first else {
                    throw StatusClientError(code: .unreachable, url: url, message: "no answer within \(timeout)")
                }
                return first
            }
        } catch let error as StatusClientError {
            throw error
        } catch {
            throw StatusClientError(code: .unreachable, url: url,
                                    message: "no answer (is `driftd run` listening on \(listen)?): \(error)")
        }
        guard answer.status == 200 else {
            throw StatusClientError(code: .httpStatus, url: url,
                                    message: "HTTP \(answer.status): \(String(decoding: answer.body.prefix(200), as: UTF8.self))")
        }
        do {
            return try DaemonStatus.makeDecoder().decode(DaemonStatus.self, from: Data(answer.body))
        } catch {
            throw StatusClientError(code: .invalidResponse, url: url, message: "the answer is not a driftd status: \(error)")
        }
    }

    /// One GET with `Connection: close`: the status code and the whole body.
    private static func get(_ address: ListenAddress, path: String) async throws -> (status: Int, body: [UInt8]) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
            head.headers.add(name: "Host", value: address.description)
            head.headers.add(name: "Connection", value: "close")
            try await outbound.write(.head(head))
            try await outbound.write(.end(nil))
            var status = 0
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let response): status = Int(response.status.code)
                case .body(let buffer): body += buffer.readableBytesView
                case .end: return (status, body)
                }
            }
            return (status, body)
        }
    }
}
