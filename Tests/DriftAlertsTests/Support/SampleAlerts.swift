@testable import DriftEngine

/// Alerts of the shapes AlertRaiser makes, with values whose shortest decimal is long.
enum SampleAlerts {
    static func dataDrift(monitor: String = "taxi-duration") -> Alert {
        Alert(monitor: monitor, kind: .dataDrift, window: 12, feature: "trip_distance", method: "psi",
              value: 0.1 + 0.2, threshold: 0.2,
              message: "\(monitor): trip_distance drifted, PSI 0.3 ≥ 0.2 in window 12")
    }

    static func performance(monitor: String = "churn") -> Alert {
        Alert(monitor: monitor, kind: .performanceDegraded, window: 3, metric: "f1", bound: "min",
              value: 0.49999999999999994, threshold: 0.55,
              message: "\(monitor): f1 0.5 < 0.55 in window 3")
    }

    static func conceptDrift(monitor: String = "churn") -> Alert {
        Alert(monitor: monitor, kind: .conceptDrift, method: "adwin", detector: "adwin", detectorName: "fast",
              record: 41_217, message: "\(monitor): concept drift, adwin 'fast' fired at record 41217 (labeled record 40100)")
    }

    static func modelPromoted(monitor: String = "churn") -> Alert {
        Alert(monitor: monitor, kind: .modelPromoted, message: "\(monitor): model v7 promoted\nsecond line")
    }

    static var all: [Alert] { [dataDrift(), performance(), conceptDrift(), modelPromoted()] }
}
