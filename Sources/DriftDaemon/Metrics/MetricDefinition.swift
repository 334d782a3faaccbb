/// One metric driftd exports: its Prometheus name, type, labels and help text.
///
/// The catalogue (`MetricDefinition.all`) is the single source of the `# HELP` lines, of the
/// histogram buckets, and of `docs/metrics.md` (a test checks the page names every metric).
public struct MetricDefinition: Sendable, Equatable {
    /// The Prometheus metric type.
    public enum Kind: String, Sendable, Equatable {
        case counter, gauge, histogram
    }

    /// The full Prometheus name, `driftd_` prefix and unit suffix included.
    public var name: String
    public var kind: Kind
    /// Label names, in the order the series carry them.
    public var labels: [String]
    /// The `# HELP` text.
    public var help: String
    /// Histogram bucket upper bounds, in seconds (histograms only).
    public var buckets: [Duration]

    init(_ name: String, _ kind: Kind, labels: [String] = [], help: String, buckets: [Duration] = []) {
        self.name = name
        self.kind = kind
        self.labels = labels
        self.help = help
        self.buckets = buckets
    }
}

extension MetricDefinition {
    static let records = MetricDefinition(
        "driftd_records_total", .counter, labels: ["monitor", "stream"],
        help: "Valid records read, by monitor and stream (predictions or labels).")
    static let malformedLines = MetricDefinition(
        "driftd_malformed_lines_total", .counter, labels: ["monitor", "stream"],
        help: "Complete lines skipped as malformed, by monitor and stream.")
    static let ingestLagBytes = MetricDefinition(
        "driftd_ingest_lag_bytes", .gauge, labels: ["monitor", "stream"],
        help: "Bytes written to the stream's files and not yet read.")
    static let ingestLagSeconds = MetricDefinition(
        "driftd_ingest_lag_seconds", .gauge, labels: ["monitor", "stream"],
        help: "Age of the oldest unread data of the stream, in seconds (0 when caught up).")
    static let windows = MetricDefinition(
        "driftd_windows_total", .counter, labels: ["monitor"],
        help: "Windows evaluated.")
    static let windowEvaluationSeconds = MetricDefinition(
        "driftd_window_evaluation_seconds", .histogram, labels: ["monitor"],
        help: "Time spent evaluating one complete window, in seconds.",
        buckets: [.microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
                  .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                  .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30)])
    static let lastWindowIndex = MetricDefinition(
        "driftd_last_window_index", .gauge, labels: ["monitor"],
        help: "Index of the last window evaluated.")
    static let driftValue = MetricDefinition(
        "driftd_drift_value", .gauge, labels: ["monitor", "feature", "method"],
        help: "Last window's drift value (psi, jensen_shannon, wasserstein) or statistic (ks, chi2); NaN when it could not be computed.")
    static let driftPValue = MetricDefinition(
        "driftd_drift_p_value", .gauge, labels: ["monitor", "feature", "method"],
        help: "Last window's p-value of the ks and chi2 tests, before multiple-testing correction.")
    static let driftDetected = MetricDefinition(
        "driftd_drift_detected", .gauge, labels: ["monitor", "feature", "method"],
        help: "1 when the last window's test found drift, else 0.")
    static let missingValues = MetricDefinition(
        "driftd_missing_values", .gauge, labels: ["monitor", "feature"],
        help: "Missing values of the feature in the last window.")
    static let datasetDriftShare = MetricDefinition(
        "driftd_dataset_drift_share", .gauge, labels: ["monitor"],
        help: "Share of the tested features that drifted in the last window.")
    static let performance = MetricDefinition(
        "driftd_performance", .gauge, labels: ["monitor", "metric"],
        help: "Last evaluated window's performance metric over its labeled records; NaN when undefined.")
    static let labeledRecords = MetricDefinition(
        "driftd_labeled_records", .gauge, labels: ["monitor"],
        help: "Records of the last performance-evaluated window that had a label.")
    static let alerts = MetricDefinition(
        "driftd_alerts_total", .counter, labels: ["monitor", "kind", "severity"],
        help: "Alerts raised, by monitor, kind and severity.")
    static let webhookDeliveries = MetricDefinition(
        "driftd_webhook_deliveries_total", .counter, labels: ["monitor", "format", "result"],
        help: "Webhook delivery attempts, by result: delivered, retry (failed, tried again later) or dead (given up).")
    static let webhookDeliverySeconds = MetricDefinition(
        "driftd_webhook_delivery_seconds", .histogram, labels: ["monitor"],
        help: "From an alert being committed to its webhook delivery, in seconds (delivered attempts only).",
        buckets: [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                  .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(1800), .seconds(3600)])
    static let ruleReloads = MetricDefinition(
        "driftd_rule_reloads_total", .counter, labels: ["result"],
        help: "Rule reloads (SIGHUP), by result: success or failure.")
    static let monitors = MetricDefinition(
        "driftd_monitors", .gauge,
        help: "Monitors in force.")
    static let buildInfo = MetricDefinition(
        "driftd_build_info", .gauge, labels: ["version"],
        help: "Always 1; the version label names the running driftd.")
    static let startTime = MetricDefinition(
        "driftd_start_time_seconds", .gauge,
        help: "Start time of the daemon, in seconds since the Unix epoch.")
    static let lastIngestLoop = MetricDefinition(
        "driftd_last_ingest_loop_timestamp_seconds", .gauge,
        help: "When the ingest loop last completed a pass, in seconds since the Unix epoch.")

    /// Every metric driftd exports.
    public static let all: [MetricDefinition] = [
        records, malformedLines, ingestLagBytes, ingestLagSeconds, windows, windowEvaluationSeconds, lastWindowIndex,
        driftValue, driftPValue, driftDetected, missingValues, datasetDriftShare, performance, labeledRecords,
        alerts, webhookDeliveries, webhookDeliverySeconds, ruleReloads, monitors, buildInfo, startTime, lastIngestLoop,
    ]
}
