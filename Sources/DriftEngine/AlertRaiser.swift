public import DriftRules
import Foundation

/// Turns a window's findings into alerts (CONTRACT.md §6): one per drifted test, one per metric
/// outside its bound.
public enum AlertRaiser {
    public static func alerts(for window: WindowResult, rule: MonitorRule) -> [Alert] {
        var alerts: [Alert] = []
        for feature in window.features {
            for outcome in feature.outcomes where outcome.drift {
                alerts.append(driftAlert(.dataDrift, outcome, subject: feature.name, feature: feature.name, window: window.index, rule: rule))
            }
        }
        for (feature, rules) in zip(window.features, rule.features) {
            guard let quality = feature.quality else { continue }
            for (name, rate, bound) in quality.exceeded(rules.quality) {
                alerts.append(Alert(monitor: rule.monitor, kind: .dataQuality, window: window.index, feature: feature.name,
                                    method: name, value: rate, threshold: bound,
                                    message: "\(rule.monitor): \(feature.name) \(name.replacingOccurrences(of: "_", with: " ")) \(format(rate)) > \(format(bound)) in window \(window.index)"))
            }
        }
        if let dataset = window.datasetDrift, dataset.drift {
            alerts.append(Alert(monitor: rule.monitor, kind: .dataDrift, window: window.index, method: "dataset",
                                value: dataset.share, threshold: dataset.threshold,
                                message: "\(rule.monitor): \(dataset.driftedFeatures.count) of \(dataset.testedFeatures) features drifted (share \(format(dataset.share)) ≥ \(format(dataset.threshold))) in window \(window.index)"))
        }
        for prediction in window.prediction where prediction.outcome.drift {
            alerts.append(driftAlert(.predictionDrift, prediction.outcome, subject: prediction.field, feature: nil, window: window.index, rule: rule))
        }
        if let performance = window.performance {
            for (check, value) in performance.values {
                guard let value else { continue }
                let name = check.metric.rawValue
                if let minimum = check.min, value < minimum {
                    alerts.append(Alert(monitor: rule.monitor, kind: .performanceDegraded, window: window.index, metric: name, bound: "min",
                                        value: value, threshold: minimum,
                                        message: "\(rule.monitor): \(name) \(format(value)) < \(format(minimum)) in window \(window.index)"))
                }
                if let maximum = check.max, value > maximum {
                    alerts.append(Alert(monitor: rule.monitor, kind: .performanceDegraded, window: window.index, metric: name, bound: "max",
                                        value: value, threshold: maximum,
                                        message: "\(rule.monitor): \(name) \(format(value)) > \(format(maximum)) in window \(window.index)"))
                }
            }
        }
        return alerts
    }

    /// The `concept_drift` alert of a detection.
    public static func alert(for detection: Detection, rule: MonitorRule) -> Alert {
        let label = detection.name.map { "\(detection.detector) '\($0)'" } ?? detection.detector
        return Alert(monitor: rule.monitor, kind: .conceptDrift, method: detection.detector, detector: detection.detector,
                     detectorName: detection.name, record: detection.record,
                     message: "\(rule.monitor): concept drift, \(label) fired at record \(detection.record) (labeled record \(detection.labeledIndex))")
    }

    static func driftAlert(_ kind: Alert.Kind, _ outcome: DriftOutcome, subject: String, feature: String?, window: Int, rule: MonitorRule) -> Alert {
        let method = outcome.method.rawValue
        let value = outcome.comparedValue ?? .nan
        let name = method == "psi" ? "PSI" : method
        let comparison: String
        if outcome.calibration != nil {
            comparison = "\(name) statistic \(format(value)) > \(format(outcome.threshold)) (auto threshold)"
        } else if outcome.method.isPValueTest {
            comparison = "\(method) \(outcome.adjustedPValue != nil ? "adjusted p-value" : "p-value") \(format(value)) < \(format(outcome.threshold))"
        } else {
            comparison = "\(name) \(format(value)) ≥ \(format(outcome.threshold))"
        }
        return Alert(monitor: rule.monitor, kind: kind, window: window, feature: feature, method: method,
                     value: value, threshold: outcome.threshold,
                     message: "\(rule.monitor): \(subject) drifted, \(comparison) in window \(window)")
    }

    /// A short human form of a number (3 significant digits) for messages; reports keep full precision.
    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value != 0 && (abs(value) < 0.001 || abs(value) >= 1e6) {
            var exponent = Int((log10(abs(value))).rounded(.down))
            var mantissa = value / pow(10, Double(exponent))
            mantissa = (mantissa * 100).rounded() / 100
            if abs(mantissa) >= 10 { mantissa /= 10; exponent += 1 }
            return "\(mantissa)e\(exponent)"
        }
        let magnitude = value == 0 ? 0 : Int((log10(abs(value))).rounded(.down))
        let decimals = max(0, 2 - magnitude)
        let scale = pow(10, Double(decimals))
        let rounded = (value * scale).rounded() / scale
        var text = "\(rounded)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
