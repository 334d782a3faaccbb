public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Posts webhook requests (AsyncHTTPClient) and classifies the answer for `DeliveryPolicy`.
public struct WebhookClient: Sendable {
    /// One request, ready to post.
    public struct Request: Sendable, Equatable {
        public var url: String
        public var body: [UInt8]
        /// Sent as `Idempotency-Key`.
        public var idempotencyKey: String
        /// Sent as `X-Driftd-Signature` when present.
        public var signature: String?
        /// Seconds before the attempt counts as failed.
        public var timeout: Double

        public init(url: String, body: [UInt8], idempotencyKey: String, signature: String?, timeout: Double) {
            self.url = url
            self.body = body
            self.idempotencyKey = idempotencyKey
            self.signature = signature
            self.timeout = timeout
        }
    }

    private let client: HTTPClient

    /// A client over `client` (the caller shuts it down).
    public init(client: HTTPClient = .shared) {
        self.client = client
    }

    /// Posts `request` once.
    public func post(_ request: Request) async -> DeliveryPolicy.Outcome {
        var http = HTTPClientRequest(url: request.url)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "User-Agent", value: "driftd")
        http.headers.add(name: "Idempotency-Key", value: request.idempotencyKey)
        if let signature = request.signature { http.headers.add(name: "X-Driftd-Signature", value: signature) }
        http.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await client.execute(http, timeout: .milliseconds(Int64(request.timeout * 1000)))
            // Read (a bounded part of) the answer, so the connection can be reused.
            let answer = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
            return Self.classify(status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"), answer: answer)
        } catch {
            return .failed(reason: Self.describe(error), retryAfter: nil)
        }
    }

    /// 2xx delivered; 408, 429 and 5xx worth retrying; other answers rejected for good.
    static func classify(status: Int, retryAfter: String?, answer: String) -> DeliveryPolicy.Outcome {
        let detail = answer.isEmpty ? "" : ": " + String(answer.prefix(200)).trimmingCharacters(in: .whitespacesAndNewlines)
        switch status {
        case 200..<300: return .delivered
        case 408, 429, 500...: return .failed(reason: "HTTP \(status)\(detail)", retryAfter: retryAfter.flatMap(Double.init))
        default: return .rejected(reason: "HTTP \(status)\(detail)")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout { return "timed out" }
            return "\(error)"
        }
        return String(describing: error)
    }
}

extension WebhookClient {
    /// A URL's scheme, host and port, which logs and alerts show instead of the URL: a webhook URL's
    /// path or query may hold a token (Slack's do).
    public static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return "(invalid URL)"
        }
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost)" + (components.port.map { ":\($0)" } ?? "")
    }
}
