/// When a webhook delivery is tried again, and when it is given up: a pure function of the attempt's
/// outcome, the attempts so far and the clock (tested with a manual clock, no sleeps).
///
/// Delays grow exponentially from `baseDelay` (1 s, 2 s, 4 s...) up to `maxDelay`, with "equal jitter"
/// (half the delay fixed, half random) so that many deliveries failing together do not retry together.
/// A receiver's `Retry-After` is honoured up to `maxDelay`. A delivery older than its `retryFor` is
/// dead-lettered; so is one the receiver rejects for good (a 4xx other than 408 and 429).
public struct DeliveryPolicy: Sendable, Equatable {
    public var baseDelay: Double = 1
    public var maxDelay: Double = 300

    public init(baseDelay: Double = 1, maxDelay: Double = 300) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// What a delivery attempt came to.
    public enum Outcome: Sendable, Equatable {
        case delivered
        /// Worth trying again (no connection, timeout, 5xx, 408, 429); `retryAfter` from the receiver.
        case failed(reason: String, retryAfter: Double?)
        /// The receiver refused the request for good (another 4xx).
        case rejected(reason: String)
    }

    /// What to do with the delivery next.
    public enum Decision: Sendable, Equatable {
        case done
        case retry(at: Double, reason: String)
        case deadLetter(reason: String)
    }

    /// The decision after attempt number `attempts` (1 for the first) of a delivery created at
    /// `createdAt`; `random` is uniform in 0..<1.
    public func decide(_ outcome: Outcome, attempts: Int, createdAt: Double, retryFor: Double, now: Double, random: Double) -> Decision {
        switch outcome {
        case .delivered:
            return .done
        case .rejected(let reason):
            return .deadLetter(reason: reason)
        case .failed(let reason, let retryAfter):
            let next = now + max(delay(afterAttempt: attempts, random: random), min(retryAfter ?? 0, maxDelay))
            guard next - createdAt <= retryFor else {
                return .deadLetter(reason: "\(reason); gave up after \(attempts) attempts over \(Int(now - createdAt))s (retry_for \(Int(retryFor))s)")
            }
            return .retry(at: next, reason: reason)
        }
    }

    /// The wait after attempt `attempts` failed.
    public func delay(afterAttempt attempts: Int, random: Double) -> Double {
        let exponential = min(maxDelay, baseDelay * Double(1 << min(max(attempts - 1, 0), 30)))
        return exponential / 2 + exponential / 2 * random
    }
}
