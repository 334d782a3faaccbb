import DriftRetrain
import Foundation
import Testing

/// The episode state machine alone: no processes, no clock but the numbers passed in.
struct RetrainEpisodeTests {
    static func episode(maxAttempts: Int = 3) -> RetrainEpisode {
        RetrainEpisode(id: 7, monitor: "m", trigger: RetrainTrigger(kinds: ["performance_degraded"], window: 4, productionValue: 3, at: 100),
                       metric: "rmse", maxAttempts: maxAttempts, startedAt: 100)
    }

    @Test func attemptsRunInOrderThenExhaust() {
        var episode = Self.episode()
        for attempt in 1...3 {
            #expect(episode.nextAction == .runAttempt(attempt))
            episode.begin(attempt: attempt)
            episode.fail(attempt: attempt, reason: "reason \(attempt)")
        }
        #expect(episode.nextAction == .exhaust)
        episode.exhaust(at: 200)
        #expect(episode.state == .exhausted && episode.endedAt == 200 && episode.nextAction == .none)
        #expect(episode.failures == ["reason 1", "reason 2", "reason 3"])
    }

    @Test func aWinEndsTheEpisode() {
        var episode = Self.episode()
        episode.begin(attempt: 1)
        episode.fail(attempt: 1, reason: "worse")
        episode.begin(attempt: 2)
        episode.win(attempt: 2, version: 5, at: 150)
        #expect(episode.state == .promoted && episode.promotedVersion == 5 && episode.nextAction == .none)
    }

    @Test func anAttemptBegunBeforeACrashIsSettledNotRunAgain() throws {
        var episode = Self.episode(maxAttempts: 2)
        episode.begin(attempt: 1)
        episode.fail(attempt: 1, reason: "worse")
        episode.begin(attempt: 2)
        // What a restart reads back from the store.
        var restored = try JSONDecoder().decode(RetrainEpisode.self, from: JSONEncoder().encode(episode))
        #expect(restored == episode)
        #expect(restored.nextAction == .settleInterrupted(2))
        restored.fail(attempt: 2, reason: "interrupted")
        #expect(restored.nextAction == .exhaust, "max_attempts 2: no third command")
    }

    @Test func maxAttemptsIsClampedToOneThroughThree() {
        #expect(Self.episode(maxAttempts: 9).maxAttempts == 3)
        #expect(Self.episode(maxAttempts: 0).maxAttempts == 1)
    }

    @Test func triggersAreAdmittedOnlyOutsideRunningEpisodesAndCooldown() {
        #expect(RetrainEpisode.admits(triggerAt: 100, latest: nil, cooldown: 60) == .start)
        var episode = Self.episode()
        if case .suppressed(let reason) = RetrainEpisode.admits(triggerAt: 150, latest: episode, cooldown: 60) {
            #expect(reason.contains("running"))
        } else {
            Issue.record("a running episode must suppress a trigger")
        }
        episode.begin(attempt: 1)
        episode.win(attempt: 1, version: 1, at: 1000)
        #expect(RetrainEpisode.admits(triggerAt: 1059, latest: episode, cooldown: 60) != .start)
        #expect(RetrainEpisode.admits(triggerAt: 1060, latest: episode, cooldown: 60) == .start)
    }
}
