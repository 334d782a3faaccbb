/// One line of `audit.jsonl`: a decision of the retrain loop or of a person.
///
/// JSON keys are snake_case and sorted; nil members are omitted.
public struct AuditEntry: Codable, Sendable, Equatable {
    /// RFC 3339 UTC with milliseconds.
    public var time: String
    /// "driftd" or "user:<login>".
    public var actor: String
    /// episode_started, attempt_started, attempt_failed, registered, promoted, promote_command_failed,
    /// exhausted, episode_resumed, rollback, manual_promote, trigger_suppressed.
    public var action: String
    /// The monitor the decision concerns.
    public var monitor: String
    /// The retrain episode, when the decision belongs to one.
    public var episode: Int64?
    /// The attempt within the episode.
    public var attempt: Int?
    /// The registry version concerned (registered, promoted, rolled back to).
    public var version: Int?
    /// The metric judged.
    public var metric: String?
    /// The candidate's value of `metric`.
    public var candidate: Double?
    /// The production model's value of `metric`.
    public var production: Double?
    /// Why, in words (a failed command's outcome, a lost check's reason, ...).
    public var reason: String?

    /// Creates an entry; every optional member defaults to nil.
    public init(
        time: String, actor: String = "driftd", action: String, monitor: String, episode: Int64? = nil,
        attempt: Int? = nil, version: Int? = nil, metric: String? = nil, candidate: Double? = nil,
        production: Double? = nil, reason: String? = nil
    ) {
        self.time = time
        self.actor = actor
        self.action = action
        self.monitor = monitor
        self.episode = episode
        self.attempt = attempt
        self.version = version
        self.metric = metric
        self.candidate = candidate
        self.production = production
        self.reason = reason
    }
}
