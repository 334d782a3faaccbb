/// An alert of CONTRACT.md §6, as it appears in the report and goes to the sinks.
public struct Alert: Sendable, Equatable, Codable {
    /// The alert kinds and their fixed severities.
    public enum Kind: String, Sendable, Equatable, CaseIterable, Codable {
        case dataDrift = "data_drift"
        case predictionDrift = "prediction_drift"
        case conceptDrift = "concept_drift"
        case dataQuality = "data_quality"
        case ingestErrors = "ingest_errors"
        case retrainAttemptFailed = "retrain_attempt_failed"
        case performanceDegraded = "performance_degraded"
        case streamStalled = "stream_stalled"
        case retrainExhausted = "retrain_exhausted"
        case retrainStarted = "retrain_started"
        case modelPromoted = "model_promoted"

        public var severity: Severity {
            switch self {
            case .dataDrift, .predictionDrift, .conceptDrift, .dataQuality, .ingestErrors, .retrainAttemptFailed: .warning
            case .performanceDegraded, .streamStalled, .retrainExhausted: .critical
            case .retrainStarted, .modelPromoted: .info
            }
        }
    }

    /// Severity, with the syslog priority journald uses.
    public enum Severity: String, Sendable, Equatable, Codable {
        case info, warning, critical

        public var syslogPriority: Int {
            switch self {
            case .info: 6
            case .warning: 4
            case .critical: 2
            }
        }
    }

    public var monitor: String
    public var kind: Kind
    public var window: Int?
    public var feature: String?
    public var method: String?
    /// Performance alerts: the metric, and which bound it crossed ("min" or "max").
    public var metric: String?
    public var bound: String?
    public var value: Double?
    public var threshold: Double?
    /// Concept drift: the detector and where it fired.
    public var detector: String?
    public var detectorName: String?
    public var record: Int?
    /// Retrain alerts: the attempt (1-based) they are about.
    public var attempt: Int?
    /// A sentence for people ("taxi-duration: trip_distance drifted, PSI 0.31 ≥ 0.2 in window 12").
    public var message: String

    public var severity: Severity { kind.severity }

    public init(monitor: String, kind: Kind, window: Int? = nil, feature: String? = nil, method: String? = nil,
                metric: String? = nil, bound: String? = nil, value: Double? = nil, threshold: Double? = nil,
                detector: String? = nil, detectorName: String? = nil, record: Int? = nil, attempt: Int? = nil, message: String) {
        self.monitor = monitor
        self.kind = kind
        self.window = window
        self.feature = feature
        self.method = method
        self.metric = metric
        self.bound = bound
        self.value = value
        self.threshold = threshold
        self.detector = detector
        self.detectorName = detectorName
        self.record = record
        self.attempt = attempt
        self.message = message
    }
}
