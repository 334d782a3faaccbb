/// One retrain episode of a monitor (CONTRACT.md §7) as a pure state machine: what to do next, and
/// the events that move it on. The daemon stores it after every event, so a crash resumes it at the
/// right attempt: an attempt that was begun but has no recorded outcome was interrupted, and counts
/// as failed, so an episode never runs more than `maxAttempts` commands.
public struct RetrainEpisode: Sendable, Equatable, Codable {
    /// Where the episode is.
    public enum State: String, Sendable, Equatable, Codable {
        case running, promoted, exhausted
    }

    /// What the daemon does next with the episode.
    public enum Action: Sendable, Equatable {
        /// Run attempt N (1-based).
        case runAttempt(Int)
        /// Attempt N was begun before a crash or stop and has no outcome: settle it first.
        case settleInterrupted(Int)
        /// Every attempt failed: raise `retrain_exhausted`.
        case exhaust
        /// The episode has ended.
        case none
    }

    public var id: Int64
    public var monitor: String
    /// The trigger that started it.
    public var trigger: RetrainTrigger
    public var metric: String
    public var maxAttempts: Int
    /// Attempts begun, and attempts whose outcome is recorded (begun exceeds finished by one while an attempt runs).
    public private(set) var attemptsBegun = 0
    public private(set) var attemptsFinished = 0
    public private(set) var state = State.running
    public var startedAt: Double
    public private(set) var endedAt: Double?
    /// The registry version a win promoted.
    public private(set) var promotedVersion: Int?
    /// Why each finished attempt failed, by attempt.
    public private(set) var failures: [String] = []

    /// A new episode, started by `trigger` at `startedAt`.
    public init(id: Int64, monitor: String, trigger: RetrainTrigger, metric: String, maxAttempts: Int, startedAt: Double) {
        self.id = id
        self.monitor = monitor
        self.trigger = trigger
        self.metric = metric
        self.maxAttempts = max(1, min(3, maxAttempts))
        self.startedAt = startedAt
    }

    /// The next step; `.none` once promoted or exhausted.
    public var nextAction: Action {
        guard state == .running else { return .none }
        if attemptsBegun > attemptsFinished { return .settleInterrupted(attemptsBegun) }
        return attemptsFinished < maxAttempts ? .runAttempt(attemptsFinished + 1) : .exhaust
    }

    /// Attempt `attempt` starts: stored before its command runs.
    public mutating func begin(attempt: Int) {
        precondition(nextAction == .runAttempt(attempt), "attempt \(attempt) is not the next one of episode \(id)")
        attemptsBegun = attempt
    }

    /// The running (or interrupted) attempt failed, for `reason`.
    public mutating func fail(attempt: Int, reason: String) {
        precondition(state == .running && attemptsBegun == attempt && attemptsFinished == attempt - 1, "attempt \(attempt) of episode \(id) is not running")
        attemptsFinished = attempt
        failures.append(reason)
    }

    /// The running attempt's candidate won and was promoted as `version`: the episode ends.
    public mutating func win(attempt: Int, version: Int, at now: Double) {
        precondition(state == .running && attemptsBegun == attempt && attemptsFinished == attempt - 1, "attempt \(attempt) of episode \(id) is not running")
        attemptsFinished = attempt
        promotedVersion = version
        state = .promoted
        endedAt = now
    }

    /// Every attempt failed: the episode ends.
    public mutating func exhaust(at now: Double) {
        precondition(nextAction == .exhaust, "episode \(id) still has attempts")
        state = .exhausted
        endedAt = now
    }

    /// Whether a trigger at `now` may start an episode, given the monitor's latest one: not while it
    /// runs, nor for `cooldown` seconds after it ended.
    public static func admits(triggerAt now: Double, latest: RetrainEpisode?, cooldown: Double) -> Admission {
        guard let latest else { return .start }
        guard let ended = latest.endedAt else { return .suppressed("episode \(latest.id) is running") }
        if now < ended + cooldown {
            return .suppressed("cooling down after episode \(latest.id) (until \(RegistryTime.rfc3339(ended + cooldown)))")
        }
        return .start
    }

    /// The answer of `admits`.
    public enum Admission: Sendable, Equatable {
        case start
        case suppressed(String)
    }
}

/// What started (or tried to start) an episode: one per ingest step of a monitor at most.
public struct RetrainTrigger: Sendable, Equatable, Codable {
    /// The alert kinds that triggered, in CONTRACT.md names (`performance_degraded`, `concept_drift`, ...).
    public var kinds: [String]
    /// The window whose alerts triggered (for concept drift: the latest evaluated window, if any).
    public var window: Int?
    /// The production model's value of the retrain metric in that window, when known.
    public var productionValue: Double?
    /// When the daemon saw it (seconds since the epoch).
    public var at: Double

    public init(kinds: [String], window: Int?, productionValue: Double?, at: Double) {
        self.kinds = kinds
        self.window = window
        self.productionValue = productionValue
        self.at = at
    }

    /// "performance_degraded, concept_drift".
    public var summary: String { kinds.joined(separator: ", ") }
}
