public import DriftAlerts
public import DriftStore
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// Delivers the webhook outbox: posts each due delivery, and stores the outcome as `DeliveryPolicy`
/// decides (delivered, retried later with backoff, or dead-lettered with a journald error).
///
/// Deliveries are queued in the same transaction as the alerts they carry, so an alert is never lost;
/// a crash between a post and its record posts it again (at least once: receivers deduplicate by
/// `Idempotency-Key`).
public final class WebhookDispatcher: Service, Sendable {
    /// Tuning, with defaults for production.
    public struct Configuration: Sendable {
        /// Deliveries posted at once, at most.
        public var concurrency = 16
        /// Deliveries posted at once to one receiver (scheme, host, port), at most: a receiver that
        /// hangs holds this many slots, never all of them. 8 is AsyncHTTPClient's connection limit
        /// per host, so no request waits for a connection inside the client (which its timeout counts).
        public var perReceiver = 8
        /// How often an idle dispatcher looks for work it was not woken for (a retry coming due).
        public var pollInterval: Duration = .milliseconds(100)
        public var policy = DeliveryPolicy()
        public init() {}
    }

    /// One attempt's outcome, for metrics.
    public struct Attempt: Sendable {
        public var monitor: String
        public var format: String
        /// `delivered`, `retry` or `dead`.
        public var result: String
        /// From the delivery's creation (the alert raised) to this attempt's end.
        public var secondsSinceCreated: Double

        public init(monitor: String, format: String, result: String, secondsSinceCreated: Double) {
            self.monitor = monitor
            self.format = format
            self.result = result
            self.secondsSinceCreated = secondsSinceCreated
        }
    }

    private let store: StateStore
    private let configuration: Configuration
    private let logger: Logger
    private let client: WebhookClient
    private let journal = JournalSink()
    private let onAttempt: @Sendable (Attempt) -> Void
    private let workQueued = Atomic<Bool>(true)
    /// Deliveries being posted, by id, with their receiver.
    private let inFlight = Mutex<[Int64: String]>([:])

    public init(store: StateStore, configuration: Configuration = .init(), logger: Logger, client: WebhookClient = WebhookClient(),
                onAttempt: @escaping @Sendable (Attempt) -> Void = { _ in }) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.client = client
        self.onAttempt = onAttempt
    }

    /// Says that deliveries were queued (after an ingest round committed some).
    public func wake() {
        workQueued.store(true, ordering: .relaxed)
    }

    /// A sliding pool: whenever a slot is free, the next due deliveries are posted (at most
    /// `concurrency` at once, `perReceiver` per receiver), so a slow receiver delays only its own.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            var nextDue: Double? = 0
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let now = Date().timeIntervalSince1970
                let woken = workQueued.exchange(false, ordering: .relaxed)
                if woken || (nextDue.map { $0 <= now } ?? false) {
                    do {
                        let started = try startDue(now: now, in: &group)
                        if started > 0 {
                            workQueued.store(true, ordering: .relaxed)  // there may be more due
                            continue
                        }
                        nextDue = try store.nextDeliveryTime()
                    } catch {
                        logger.error("webhook outbox: \(error)")
                        nextDue = now + 1
                    }
                }
                try? await Task.sleep(for: configuration.pollInterval)
            }
        }
    }

    /// Starts the due deliveries that free slots allow; returns how many it started.
    private func startDue(now: Double, in group: inout DiscardingTaskGroup) throws(StateStore.StoreError) -> Int {
        var busy = inFlight.withLock { $0 }
        guard busy.count < configuration.concurrency else { return 0 }
        let due = try store.dueDeliveries(now: now, limit: 4 * configuration.concurrency, excluding: Set(busy.keys))
        var perReceiver: [String: Int] = [:]
        for receiver in busy.values { perReceiver[receiver, default: 0] += 1 }
        var started = 0
        for delivery in due where busy.count < configuration.concurrency {
            let receiver = WebhookClient.origin(of: delivery.url)
            guard perReceiver[receiver, default: 0] < configuration.perReceiver else { continue }
            perReceiver[receiver, default: 0] += 1
            busy[delivery.id] = receiver
            inFlight.withLock { $0[delivery.id] = receiver }
            started += 1
            group.addTask {
                await self.attempt(delivery)
                self.inFlight.withLock { _ = $0.removeValue(forKey: delivery.id) }
                self.wake()
            }
        }
        return started
    }

    /// Posts one delivery and stores what came of it.
    func attempt(_ delivery: StateStore.Delivery) async {
        let receiver = WebhookClient.origin(of: delivery.url)
        let outcome: DeliveryPolicy.Outcome
        do {
            let body = [UInt8](delivery.body)
            let signature = try WebhookSecret.load(secretFile: delivery.secretFile, credential: delivery.credential)
                .map { WebhookSecret.signature(body: body, secret: $0) }
            outcome = await client.post(.init(url: delivery.url, body: body, idempotencyKey: delivery.notificationID,
                                              signature: signature, timeout: delivery.timeout))
        } catch {
            outcome = .failed(reason: error.description, retryAfter: nil)
        }
        let now = Date().timeIntervalSince1970
        let attempts = delivery.attempts + 1
        let decision = configuration.policy.decide(outcome, attempts: attempts, createdAt: delivery.createdAt, retryFor: delivery.retryFor,
                                                   now: now, random: Double.random(in: 0..<1))
        let metadata: Logger.Metadata = ["monitor": "\(delivery.monitor)", "webhook.receiver": "\(receiver)",
                                         "notification.id": "\(delivery.notificationID)", "attempt": "\(attempts)"]
        let result: String
        do {
            switch decision {
            case .done:
                try store.recordAttempt(id: delivery.id, state: .delivered, nextAttemptAt: nil, error: nil, now: now)
                result = "delivered"
            case .retry(let at, let reason):
                try store.recordAttempt(id: delivery.id, state: .pending, nextAttemptAt: at, error: reason, now: now)
                logger.warning("webhook delivery failed, will retry in \(Int((at - now).rounded(.up)))s: \(reason)", metadata: metadata)
                result = "retry"
            case .deadLetter(let reason):
                try store.recordAttempt(id: delivery.id, state: .dead, nextAttemptAt: nil, error: reason, now: now)
                logger.error("webhook delivery given up: \(reason)", metadata: metadata)
                journal.send(JournalEntry(deadLettered: delivery.monitor, receiver: receiver, notificationID: delivery.notificationID,
                                          attempts: attempts, reason: reason))
                result = "dead"
            }
        } catch {
            // Not recorded: the delivery stays due and is posted again (at least once).
            logger.error("webhook outbox: \(error)", metadata: metadata)
            return
        }
        onAttempt(Attempt(monitor: delivery.monitor, format: delivery.format, result: result, secondsSinceCreated: now - delivery.createdAt))
    }
}
