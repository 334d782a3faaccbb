import DriftDaemon
import DriftEngine
import Foundation
import Testing

/// The series `DaemonMetrics` exports, checked against real engine results and the real promtool.
struct DaemonMetricsTests {
    static let monitor = EngineFixture.monitor

    /// Metrics after the fixture's windows and alerts, as the daemon would record them.
    static func recordedMetrics() -> (DaemonMetrics, EngineFixture) {
        let fixture = EngineFixture()
        let metrics = DaemonMetrics(version: "1.2.3", startTime: Date(timeIntervalSince1970: 1_795_000_000))
        metrics.monitorsLoaded([monitor])
        metrics.ingested(monitor: monitor, stream: "predictions", lines: fixture.lines, malformed: fixture.malformed)
        metrics.ingested(monitor: monitor, stream: "labels", lines: 500, malformed: 0)
        metrics.lag(monitor: monitor, stream: "predictions", bytes: 4096, seconds: 1.5)
        for window in fixture.windows {
            metrics.windowEvaluated(monitor: monitor, result: window, seconds: 0.003)
            for alert in window.alerts { metrics.alertRaised(alert) }
        }
        metrics.webhookAttempted(.init(monitor: monitor, format: "alertmanager", result: "retry", secondsSinceCreated: 0.2))
        metrics.webhookAttempted(.init(monitor: monitor, format: "alertmanager", result: "delivered", secondsSinceCreated: 1.5))
        metrics.reload(succeeded: true)
        metrics.reload(succeeded: false)
        metrics.reload(succeeded: false)
        return (metrics, fixture)
    }

    static func exposition(_ metrics: DaemonMetrics) -> Exposition {
        Exposition(String(decoding: metrics.exposition(), as: UTF8.self))
    }

    @Test func countsRecordsAndMalformedLinesByStream() {
        let (metrics, fixture) = Self.recordedMetrics()
        let text = Self.exposition(metrics)
        #expect(text.value("driftd_records_total", ["monitor": Self.monitor, "stream": "predictions"])
            == Double(fixture.lines - fixture.malformed))
        #expect(text.value("driftd_malformed_lines_total", ["monitor": Self.monitor, "stream": "predictions"]) == 1)
        #expect(text.value("driftd_records_total", ["monitor": Self.monitor, "stream": "labels"]) == 500)
        #expect(text.value("driftd_ingest_lag_bytes", ["monitor": Self.monitor, "stream": "predictions"]) == 4096)
        #expect(text.value("driftd_ingest_lag_seconds", ["monitor": Self.monitor, "stream": "predictions"]) == 1.5)
    }

    @Test func windowSeriesHoldTheLastWindowsValues() throws {
        let (metrics, fixture) = Self.recordedMetrics()
        let text = Self.exposition(metrics)
        let last = try #require(fixture.windows.last)
        #expect(fixture.windows.count == 3)
        #expect(text.value("driftd_windows_total", ["monitor": Self.monitor]) == 3)
        #expect(text.value("driftd_last_window_index", ["monitor": Self.monitor]) == Double(last.index))
        #expect(text.value("driftd_window_evaluation_seconds_count", ["monitor": Self.monitor]) == 3)
        for feature in last.features {
            #expect(text.value("driftd_missing_values", ["monitor": Self.monitor, "feature": feature.name]) == Double(feature.missing))
            for outcome in feature.outcomes {
                let labels: KeyValuePairs = ["monitor": Self.monitor, "feature": feature.name, "method": outcome.method.rawValue]
                let expected = outcome.method.isPValueTest ? outcome.statistic : outcome.value
                #expect(text.value("driftd_drift_value", labels) == expected)
                #expect(text.value("driftd_drift_detected", labels) == (outcome.drift ? 1 : 0))
                if outcome.method.isPValueTest {
                    #expect(text.value("driftd_drift_p_value", labels) == outcome.pValue)
                } else {
                    #expect(text.value("driftd_drift_p_value", labels) == nil)
                }
            }
        }
        // The shifted window drifts on x; the fixture is built so.
        #expect(text.value("driftd_drift_detected", ["monitor": Self.monitor, "feature": "x", "method": "psi"]) == 1)
        let prediction = try #require(last.prediction.first)
        #expect(text.value("driftd_drift_value", ["monitor": Self.monitor, "feature": "prediction", "method": "psi"])
            == prediction.outcome.value)
    }

    @Test func performanceAndLabeledRecords() throws {
        let (metrics, fixture) = Self.recordedMetrics()
        let text = Self.exposition(metrics)
        let performance = try #require(fixture.windows.last?.performance)
        #expect(text.value("driftd_labeled_records", ["monitor": Self.monitor]) == Double(performance.labeled))
        for (check, value) in performance.values {
            #expect(text.value("driftd_performance", ["monitor": Self.monitor, "metric": check.metric.rawValue]) == value)
        }
    }

    @Test func alertsCountedByKindAndSeverity() throws {
        let (metrics, fixture) = Self.recordedMetrics()
        let text = Self.exposition(metrics)
        #expect(!fixture.alerts.isEmpty)
        let byKind = Dictionary(grouping: fixture.alerts, by: \.kind)
        for (kind, alerts) in byKind {
            #expect(text.value("driftd_alerts_total", ["monitor": Self.monitor, "kind": kind.rawValue,
                                                       "severity": kind.severity.rawValue]) == Double(alerts.count))
        }
        #expect(text.series(named: "driftd_alerts_total").count == byKind.count)
    }

    @Test func processSeries() {
        let (metrics, _) = Self.recordedMetrics()
        let text = Self.exposition(metrics)
        #expect(text.value("driftd_build_info", ["version": "1.2.3"]) == 1)
        #expect(text.value("driftd_start_time_seconds") == 1_795_000_000)
        #expect(text.value("driftd_monitors") == 1)
        #expect(text.value("driftd_rule_reloads_total", ["result": "success"]) == 1)
        #expect(text.value("driftd_rule_reloads_total", ["result": "failure"]) == 2)
    }

    @Test func freshInstanceExportsZeroReloadsAndNoMonitorSeries() {
        let text = Self.exposition(DaemonMetrics(version: "1.2.3"))
        #expect(text.value("driftd_rule_reloads_total", ["result": "failure"]) == 0)
        #expect(text.value("driftd_monitors") == 0)
        #expect(text.series(named: "driftd_windows_total").isEmpty)
    }

    @Test func undefinedValuesAreNaN() {
        let metrics = DaemonMetrics(version: "1.2.3")
        var window = EngineFixture().windows[0]
        window.features[0].outcomes[0].value = nil
        metrics.windowEvaluated(monitor: "m", result: window, seconds: 0.001)
        let value = Self.exposition(metrics).value("driftd_drift_value", ["monitor": "m", "feature": "x", "method": "psi"])
        #expect(value?.isNaN == true)
    }

    @Test func removedMonitorsSeriesAreForgotten() {
        let (metrics, _) = Self.recordedMetrics()
        metrics.ingested(monitor: "churn", stream: "predictions", lines: 10, malformed: 0)
        metrics.monitorsLoaded(["churn"])
        let text = Self.exposition(metrics)
        #expect(!text.text.contains(#"monitor="\#(Self.monitor)""#))
        #expect(text.value("driftd_records_total", ["monitor": "churn", "stream": "predictions"]) == 10)
        #expect(text.value("driftd_monitors") == 1)
        #expect(text.value("driftd_rule_reloads_total", ["result": "failure"]) == 2)
        // A monitor that comes back starts its counters again.
        metrics.ingested(monitor: Self.monitor, stream: "predictions", lines: 7, malformed: 0)
        #expect(Self.exposition(metrics).value("driftd_records_total", ["monitor": Self.monitor, "stream": "predictions"]) == 7)
    }

    @Test func everySeriesIsADeclaredMetricWithItsLabels() {
        let (metrics, _) = Self.recordedMetrics()
        metrics.ingestLoopCompleted(at: Date())
        let text = Self.exposition(metrics)
        for series in text.samples.keys {
            let name = String(series.prefix { $0 != "{" })
            let family = MetricDefinition.all.first { definition in
                definition.name == name || (definition.kind == .histogram
                    && ["_bucket", "_sum", "_count"].contains { suffix in name == definition.name + suffix })
            }
            #expect(family != nil, "undeclared series \(series)")
            #expect(name.hasPrefix("driftd_"))
        }
        for definition in MetricDefinition.all {
            #expect(text.text.contains("# HELP \(definition.name) "), "\(definition.name) never exported")
            #expect(text.text.contains("# TYPE \(definition.name) \(definition.kind.rawValue)"))
        }
    }

    @Test func exportPassesPromtoolCheckMetrics() throws {
        let (metrics, _) = Self.recordedMetrics()
        metrics.ingestLoopCompleted(at: Date())
        let result = try ChildProcess.run("/usr/bin/promtool", ["check", "metrics"], stdin: metrics.exposition())
        #expect(result.status == 0, "promtool check metrics: \(result.output)")
        #expect(result.output.isEmpty, "\(result.output)")
    }

    @Test func docsDescribeEveryMetric() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/metrics.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for definition in MetricDefinition.all {
            #expect(text.contains("`\(definition.name)`"), "docs/metrics.md does not describe \(definition.name)")
        }
    }
}
