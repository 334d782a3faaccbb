public import DriftEngine
public import Foundation
import CoreMetrics
public import Prometheus
import Synchronization

/// The daemon's metrics: every series is created once through swift-metrics, with a factory over
/// the one `PrometheusCollectorRegistry` this instance owns, and exported by `HTTPService` at
/// `/metrics`. Names and labels are listed in `MetricDefinition.all` and `docs/metrics.md`.
///
/// No global `MetricsSystem.bootstrap` is needed: each handle is made with swift-metrics'
/// factory-taking initialisers, so two instances (two tests, two daemons) never share series.
/// Label sets are bounded by the rules: `monitor` (one per rule file), `stream` (2), `feature`
/// (the rule's features plus `prediction`/`score`), `method` (5), `metric` (10), `kind` (11),
/// `severity` (3), `result` (2). There is no instance label: Prometheus adds one per scrape target.
public final class DaemonMetrics: Sendable {
    /// The registry every metric of this instance is registered with.
    public let registry: PrometheusCollectorRegistry
    /// The version reported by `driftd_build_info`.
    public let version: String
    /// The start time reported by `driftd_start_time_seconds`.
    public let startTime: Date

    private let factory: DescribedPrometheusFactory
    private let handles = Mutex(Handles())

    /// One series: a metric name and its label values, in the definition's label order.
    private struct SeriesKey: Hashable {
        var name: String
        var values: [String]
    }

    private struct Handles {
        var counters: [SeriesKey: CoreMetrics.Counter] = [:]
        var gauges: [SeriesKey: CoreMetrics.Gauge] = [:]
        var timers: [SeriesKey: CoreMetrics.Timer] = [:]
        var monitors: Set<String> = []
    }

    /// Creates the registry and the process-wide series (`driftd_build_info`, `driftd_start_time_seconds`,
    /// `driftd_monitors`, both `driftd_rule_reloads_total` results).
    public init(version: String, startTime: Date = Date()) {
        registry = PrometheusCollectorRegistry()
        factory = DescribedPrometheusFactory(registry: registry, definitions: MetricDefinition.all)
        self.version = version
        self.startTime = startTime
        gauge(.buildInfo, [version]).record(1)
        gauge(.startTime, []).record(startTime.timeIntervalSince1970)
        gauge(.monitors, []).record(0)
        _ = counter(.ruleReloads, ["success"])
        _ = counter(.ruleReloads, ["failure"])
    }

    // MARK: Recording

    /// Counts lines read from one stream of a monitor.
    ///
    /// - Parameters:
    ///   - stream: `"predictions"` or `"labels"`.
    ///   - lines: complete lines read, malformed ones included; `driftd_records_total` grows by
    ///     `lines - malformed`.
    ///   - malformed: lines of those that were skipped as malformed.
    public func ingested(monitor: String, stream: String, lines: Int, malformed: Int) {
        noteMonitor(monitor)
        counter(.records, [monitor, stream]).increment(by: max(0, lines - malformed))
        counter(.malformedLines, [monitor, stream]).increment(by: max(0, malformed))
    }

    /// Sets how far a stream's reader is behind its files: unread bytes and the age of the oldest unread data.
    public func lag(monitor: String, stream: String, bytes: Int, seconds: Double) {
        noteMonitor(monitor)
        gauge(.ingestLagBytes, [monitor, stream]).record(bytes)
        gauge(.ingestLagSeconds, [monitor, stream]).record(seconds)
    }

    /// Records a window's evaluation: counts it, times it, and sets the last values of every drift
    /// test (features, then prediction drift under `feature="prediction"` or `"score"`), the
    /// dataset drift share, and the performance when the result carries it.
    ///
    /// A window whose performance is evaluated later (when its labels arrive) reports it with
    /// `performanceEvaluated(monitor:performance:)`, so that the window is not counted twice.
    public func windowEvaluated(monitor: String, result: WindowResult, seconds: Double) {
        noteMonitor(monitor)
        counter(.windows, [monitor]).increment()
        timer(.windowEvaluationSeconds, [monitor]).recordSeconds(max(0, seconds))
        gauge(.lastWindowIndex, [monitor]).record(result.index)
        for feature in result.features {
            gauge(.missingValues, [monitor, feature.name]).record(feature.missing)
            for outcome in feature.outcomes { record(outcome, monitor: monitor, column: feature.name) }
        }
        for prediction in result.prediction {
            record(prediction.outcome, monitor: monitor, column: prediction.field)
        }
        if let dataset = result.datasetDrift {
            gauge(.datasetDriftShare, [monitor]).record(dataset.share)
        }
        if let performance = result.performance {
            performanceEvaluated(monitor: monitor, performance: performance)
        }
    }

    /// Sets a window's performance (`driftd_performance`, NaN where a metric is undefined) and its
    /// labeled record count.
    public func performanceEvaluated(monitor: String, performance: PerformanceResult) {
        noteMonitor(monitor)
        gauge(.labeledRecords, [monitor]).record(performance.labeled)
        for (check, value) in performance.values {
            gauge(.performance, [monitor, check.metric.rawValue]).record(value ?? .nan)
        }
    }

    /// Counts an alert by monitor, kind and severity.
    public func alertRaised(_ alert: Alert) {
        noteMonitor(alert.monitor)
        counter(.alerts, [alert.monitor, alert.kind.rawValue, alert.severity.rawValue]).increment()
    }

    /// Counts a webhook delivery attempt; times a delivered one from its alert's commit.
    public func webhookAttempted(_ attempt: WebhookDispatcher.Attempt) {
        noteMonitor(attempt.monitor)
        counter(.webhookDeliveries, [attempt.monitor, attempt.format, attempt.result]).increment()
        if attempt.result == "delivered" {
            timer(.webhookDeliverySeconds, [attempt.monitor]).recordSeconds(attempt.secondsSinceCreated)
        }
    }

    /// Counts a rule reload (SIGHUP) by result.
    public func reload(succeeded: Bool) {
        counter(.ruleReloads, [succeeded ? "success" : "failure"]).increment()
    }

    /// Declares the monitors in force (at start and after a successful reload): sets `driftd_monitors`
    /// and forgets the series of every monitor not in `names`.
    public func monitorsLoaded(_ names: some Collection<String>) {
        let kept = Set(names)
        let removed = handles.withLock { handles -> Set<String> in
            let removed = handles.monitors.subtracting(kept)
            handles.monitors = kept
            return removed
        }
        for monitor in removed { forget(monitor: monitor) }
        gauge(.monitors, []).record(kept.count)
    }

    /// Removes every series labeled with `monitor` from the registry, so a monitor dropped on reload
    /// disappears from `/metrics` instead of exporting its last values forever. Counters of a monitor
    /// that comes back start again from 0, which Prometheus' `rate()` treats as a reset.
    public func forget(monitor: String) {
        handles.withLock { handles in
            handles.monitors.remove(monitor)
            for key in handles.counters.keys where Self.isLabeled(key, monitor: monitor) {
                handles.counters.removeValue(forKey: key)?.destroy()
            }
            for key in handles.gauges.keys where Self.isLabeled(key, monitor: monitor) {
                handles.gauges.removeValue(forKey: key)?.destroy()
            }
            for key in handles.timers.keys where Self.isLabeled(key, monitor: monitor) {
                handles.timers.removeValue(forKey: key)?.destroy()
            }
        }
    }

    /// Sets the time the ingest loop last completed a pass.
    public func ingestLoopCompleted(at time: Date) {
        gauge(.lastIngestLoop, []).record(time.timeIntervalSince1970)
    }

    // MARK: Export

    /// The Prometheus text exposition (format 0.0.4) of every series.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    // MARK: Handles

    private func record(_ outcome: DriftOutcome, monitor: String, column: String) {
        let labels = [monitor, column, outcome.method.rawValue]
        let value = outcome.method.isPValueTest ? outcome.statistic : outcome.value
        gauge(.driftValue, labels).record(value ?? .nan)
        if outcome.method.isPValueTest {
            gauge(.driftPValue, labels).record(outcome.pValue ?? .nan)
        }
        gauge(.driftDetected, labels).record(outcome.drift ? 1 : 0)
    }

    private func noteMonitor(_ monitor: String) {
        handles.withLock { _ = $0.monitors.insert(monitor) }
    }

    private static func isLabeled(_ key: SeriesKey, monitor: String) -> Bool {
        guard let definition = MetricDefinition.all.first(where: { $0.name == key.name }),
              let position = definition.labels.firstIndex(of: "monitor") else { return false }
        return key.values[position] == monitor
    }

    private func dimensions(_ definition: MetricDefinition, _ values: [String]) -> [(String, String)] {
        precondition(values.count == definition.labels.count, "\(definition.name) takes labels \(definition.labels)")
        return Array(zip(definition.labels, values))
    }

    private func counter(_ definition: MetricDefinition, _ values: [String]) -> CoreMetrics.Counter {
        let key = SeriesKey(name: definition.name, values: values)
        return handles.withLock { handles in
            if let counter = handles.counters[key] { return counter }
            let counter = CoreMetrics.Counter(label: definition.name, dimensions: dimensions(definition, values), factory: factory)
            handles.counters[key] = counter
            return counter
        }
    }

    private func gauge(_ definition: MetricDefinition, _ values: [String]) -> CoreMetrics.Gauge {
        let key = SeriesKey(name: definition.name, values: values)
        return handles.withLock { handles in
            if let gauge = handles.gauges[key] { return gauge }
            let gauge = CoreMetrics.Gauge(label: definition.name, dimensions: dimensions(definition, values), factory: factory)
            handles.gauges[key] = gauge
            return gauge
        }
    }

    private func timer(_ definition: MetricDefinition, _ values: [String]) -> CoreMetrics.Timer {
        let key = SeriesKey(name: definition.name, values: values)
        return handles.withLock { handles in
            if let timer = handles.timers[key] { return timer }
            let timer = CoreMetrics.Timer(label: definition.name, dimensions: dimensions(definition, values), factory: factory)
            handles.timers[key] = timer
            return timer
        }
    }
}
