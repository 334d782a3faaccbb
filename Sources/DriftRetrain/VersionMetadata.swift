/// What `versions/<N>/metadata.json` records about a registered candidate.
///
/// JSON keys are snake_case: monitor, version, episode, attempt, metric, metrics, production_value,
/// trigger, trigger_window, created_at; nil members are omitted.
public struct VersionMetadata: Codable, Sendable, Equatable {
    /// The monitor (rule file) the model serves.
    public var monitor: String
    /// The registry version, filled in by ``ModelRegistry/register(workdir:metadata:)``.
    public var version: Int
    /// The retrain episode that produced it.
    public var episode: Int64
    /// The attempt within the episode (1-based).
    public var attempt: Int
    /// The metric the candidate was judged on (`retrain.metric`).
    public var metric: String
    /// Every metric from the candidate's `metrics.json`.
    public var metrics: [String: Double]
    /// The production model's value in the triggering window.
    public var productionValue: Double?
    /// What triggered the episode, e.g. "performance_degraded, concept_drift".
    public var trigger: String
    /// The index of the triggering window.
    public var triggerWindow: Int?
    /// RFC 3339 UTC with milliseconds, e.g. 2026-11-23T10:00:00.123Z.
    public var createdAt: String

    /// Creates metadata; `version` is usually left 0 and assigned at registration.
    public init(
        monitor: String, version: Int = 0, episode: Int64, attempt: Int, metric: String, metrics: [String: Double],
        productionValue: Double?, trigger: String, triggerWindow: Int?, createdAt: String
    ) {
        self.monitor = monitor
        self.version = version
        self.episode = episode
        self.attempt = attempt
        self.metric = metric
        self.metrics = metrics
        self.productionValue = productionValue
        self.trigger = trigger
        self.triggerWindow = triggerWindow
        self.createdAt = createdAt
    }

    private enum CodingKeys: String, CodingKey {
        case monitor, version, episode, attempt, metric, metrics
        case productionValue = "production_value"
        case trigger
        case triggerWindow = "trigger_window"
        case createdAt = "created_at"
    }
}
