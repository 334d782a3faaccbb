import Testing
@testable import DriftAlerts

/// The outbox retry state machine, driven with a manual clock.
struct DeliveryPolicyTests {
    let policy = DeliveryPolicy(baseDelay: 1, maxDelay: 300)

    @Test func delaysDoubleUpToTheCapWithHalfOfEachDelayRandom() {
        #expect(policy.delay(afterAttempt: 1, random: 0) == 0.5)
        #expect(policy.delay(afterAttempt: 1, random: 0.999_999) < 1)
        #expect(policy.delay(afterAttempt: 2, random: 0) == 1)
        #expect(policy.delay(afterAttempt: 5, random: 0.5) == 16 * 0.75)
        #expect(policy.delay(afterAttempt: 30, random: 0) == 150)
        #expect(policy.delay(afterAttempt: 1000, random: 1) == 300)
    }

    @Test func failedAttemptIsRetriedLaterAndHonoursRetryAfter() {
        let created = 1000.0
        #expect(policy.decide(.failed(reason: "HTTP 500", retryAfter: nil), attempts: 1, createdAt: created, retryFor: 3600, now: created, random: 0)
                == .retry(at: created + 0.5, reason: "HTTP 500"))
        #expect(policy.decide(.failed(reason: "HTTP 429", retryAfter: 30), attempts: 1, createdAt: created, retryFor: 3600, now: created, random: 0)
                == .retry(at: created + 30, reason: "HTTP 429"))
        // A Retry-After beyond the cap is capped.
        #expect(policy.decide(.failed(reason: "HTTP 429", retryAfter: 86_400), attempts: 1, createdAt: created, retryFor: 86_400 * 2, now: created, random: 0)
                == .retry(at: created + 300, reason: "HTTP 429"))
    }

    @Test func deliveryIsDeadLetteredOnceItsNextTryWouldBeTooOld() {
        // Simulate a receiver that is always down: retries until retry_for, then gives up.
        var now = 0.0
        var attempts = 0
        var decisions: [DeliveryPolicy.Decision] = []
        while true {
            attempts += 1
            let decision = policy.decide(.failed(reason: "connection refused", retryAfter: nil), attempts: attempts, createdAt: 0,
                                         retryFor: 600, now: now, random: 0.5)
            decisions.append(decision)
            guard case .retry(let at, _) = decision else { break }
            #expect(at > now)
            now = at
        }
        guard case .deadLetter(let reason) = decisions.last else { Issue.record("never gave up"); return }
        #expect(reason.contains("connection refused"))
        #expect(now <= 600)
        #expect(attempts > 5)
    }

    @Test func rejectionIsDeadLetteredAtOnceAndSuccessIsDone() {
        #expect(policy.decide(.rejected(reason: "HTTP 400"), attempts: 1, createdAt: 0, retryFor: 3600, now: 0, random: 0) == .deadLetter(reason: "HTTP 400"))
        #expect(policy.decide(.delivered, attempts: 9, createdAt: 0, retryFor: 1, now: 1e9, random: 0) == .done)
    }
}
