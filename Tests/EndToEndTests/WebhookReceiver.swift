import Foundation
import Hummingbird
import Synchronization

/// A webhook receiver on loopback for the tests: a real HTTP server (Hummingbird) that answers each
/// request according to a script (fail with 500, stall past the sender's timeout, then accept), and
/// records every request it saw.
final class WebhookReceiver: Sendable {
    enum Answer: Sendable {
        case fail
        case stall(seconds: Double)
        case accept
    }

    struct Received: Sendable {
        var idempotencyKey: String?
        var signature: String?
        var body: [UInt8]
        /// Answered 2xx in time (not stalled): the delivery counts.
        var accepted: Bool
    }

    private let script: Mutex<[Answer]>
    private let received = Mutex<[Received]>([])
    private let boundPort = Mutex<Int?>(nil)
    private let task: Mutex<Task<Void, any Error>?> = Mutex(nil)

    /// Answers the first requests with `script`, then accepts every request.
    init(script: [Answer]) {
        self.script = Mutex(script)
    }

    var requests: [Received] { received.withLock { $0 } }
    var port: Int? { boundPort.withLock { $0 } }

    func start() throws {
        let router = Router()
        router.post("/hook") { request, context -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let answer = self.script.withLock { $0.isEmpty ? .accept : $0.removeFirst() }
            var record = Received(idempotencyKey: request.headers[.init("Idempotency-Key")!], signature: request.headers[.init("X-Driftd-Signature")!],
                                  body: Array(buffer: buffer), accepted: false)
            switch answer {
            case .fail:
                self.received.withLock { $0.append(record) }
                return Response(status: .internalServerError)
            case .stall(let seconds):
                self.received.withLock { $0.append(record) }
                try await Task.sleep(for: .seconds(seconds))
                return Response(status: .ok)
            case .accept:
                record.accepted = true
                self.received.withLock { $0.append(record) }
                return Response(status: .ok)
            }
        }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      onServerRunning: { channel in self.boundPort.withLock { $0 = channel.localAddress?.port } })
        task.withLock { $0 = Task { try await application.run() } }
        let deadline = Date().addingTimeInterval(60)
        while port == nil && Date() < deadline { usleep(10_000) }
        guard port != nil else { throw CancellationError() }
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }
}
