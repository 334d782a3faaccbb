/// One validated rule file: what to watch, how to window it, what to test and where to alert.
/// The typed form of CONTRACT.md §2; build it with `RuleLoader`.
public struct MonitorRule: Sendable, Equatable {
    /// The kind of model being watched.
    public enum Task: String, Sendable, Equatable, CaseIterable {
        case regression
        case binaryClassification = "binary_classification"
        case multiclassClassification = "multiclass_classification"

        /// Whether predictions and labels are classes rather than numbers.
        public var isClassification: Bool { self != .regression }
    }

    /// Where prediction records come from and what their fields are called.
    public struct PredictionSource: Sendable, Equatable {
        public var path: String
        public var idField = "id"
        public var timestampField = "ts"
        public var featuresField = "features"
        public var predictionField = "prediction"
        public var scoreField = "score"
    }

    /// Where label records come from, what their fields are called, and how long to wait for them.
    public struct LabelSource: Sendable, Equatable {
        public var path: String
        public var idField = "id"
        public var labelField = "label"
        /// Seconds to wait for a window's labels before evaluating its performance anyway.
        public var maxDelay: Double = 3600
    }

    /// The reference data: a separate file, or the first N prediction records.
    public enum Reference: Sendable, Equatable {
        case file(path: String)
        case first(Int)
    }

    /// Count windows (`size` records every `step`) or time windows (`duration` seconds every `step`).
    public enum Window: Sendable, Equatable {
        case count(size: Int, step: Int)
        case time(duration: Double, step: Double)
    }

    /// Whether a feature is a number or a category.
    public enum FeatureType: String, Sendable, Equatable {
        case numerical
        case categorical
    }

    /// A statistical test of one column against the reference (CONTRACT.md §5).
    public struct DriftTest: Sendable, Equatable {
        /// The method's name as written in rules and reports.
        public enum Method: String, Sendable, Equatable, CaseIterable {
            case psi
            case ks
            case chi2
            case jensenShannon = "jensen_shannon"
            case wasserstein

            /// Default threshold when the rule gives none.
            public var defaultThreshold: Double {
                switch self {
                case .psi: 0.2
                case .ks, .chi2: 0.05
                case .jensenShannon, .wasserstein: 0.1
                }
            }

            /// Whether the threshold is a p-value (drift below it) rather than a distance (drift at or above it).
            public var isPValueTest: Bool { self == .ks || self == .chi2 }

            /// Whether the method applies to a column of this type.
            public func applies(to type: FeatureType) -> Bool {
                switch self {
                case .psi, .jensenShannon: true
                case .ks, .wasserstein: type == .numerical
                case .chi2: type == .categorical
                }
            }
        }

        public var method: Method
        public var threshold: Double
        /// `threshold: "auto"`: calibrated on reference chunks of the window's size (NannyML's way:
        /// mean + 3 standard deviations of the statistic); `threshold` then holds the default.
        public var automaticThreshold = false
        /// Quantile bins for numerical PSI and Jensen-Shannon.
        public var bins: Int = 10
        /// Effect-size guard for p-value tests: drift also needs KS `statistic >= minStatistic`,
        /// or chi2's Cramér's V `>= minStatistic`, so a huge window does not flag a negligible shift.
        public var minStatistic: Double?
    }

    /// Multiple-testing control across a window's feature p-values (statsmodels' `multipletests` names).
    public enum Correction: String, Sendable, Equatable, CaseIterable {
        case none, bonferroni, holm
        case benjaminiHochberg = "fdr_bh"
    }

    /// Bounds on a window's data quality; a rate above its bound raises a `data_quality` alert.
    public struct QualityBounds: Sendable, Equatable {
        /// Share of missing values.
        public var missingRate: Double?
        /// Share of categorical values whose category never appeared in the reference.
        public var unseenRate: Double?
        /// Share of numerical values outside the reference's [min, max].
        public var outOfRangeRate: Double?

        public init(missingRate: Double? = nil, unseenRate: Double? = nil, outOfRangeRate: Double? = nil) {
            self.missingRate = missingRate
            self.unseenRate = unseenRate
            self.outOfRangeRate = outOfRangeRate
        }

        /// These bounds, with any unset one taken from `defaults`.
        public func over(_ defaults: QualityBounds) -> QualityBounds {
            QualityBounds(missingRate: missingRate ?? defaults.missingRate, unseenRate: unseenRate ?? defaults.unseenRate,
                          outOfRangeRate: outOfRangeRate ?? defaults.outOfRangeRate)
        }
    }

    /// A feature to watch.
    public struct Feature: Sendable, Equatable {
        public var name: String
        public var type: FeatureType
        public var drift: [DriftTest]
        /// This feature's data-quality bounds, with the monitor's `data_quality` as defaults.
        public var quality = QualityBounds()
    }

    /// Which record field prediction drift tests.
    public enum PredictionField: String, Sendable, Equatable {
        case prediction
        case score
    }

    /// A drift test of the model's output.
    public struct PredictionDriftTest: Sendable, Equatable {
        public var field: PredictionField
        public var test: DriftTest
    }

    /// A performance metric with optional bounds (CONTRACT.md §5).
    public struct PerformanceCheck: Sendable, Equatable {
        /// The metric's name as written in rules and reports.
        public enum Metric: String, Sendable, Equatable, CaseIterable {
            case accuracy, precision, recall, f1
            case rocAUC = "roc_auc"
            case logLoss = "log_loss"
            case mae, rmse, mape, r2

            /// Whether a lower value is better (used to compare a retrained candidate).
            public var lowerIsBetter: Bool { [.mae, .rmse, .mape, .logLoss].contains(self) }

            /// The metrics that make sense for a task.
            public static func allowed(for task: Task) -> [Metric] {
                switch task {
                case .regression: [.mae, .rmse, .mape, .r2]
                case .binaryClassification: [.accuracy, .precision, .recall, .f1, .rocAUC, .logLoss]
                case .multiclassClassification: [.accuracy, .precision, .recall, .f1]
                }
            }
        }

        public var metric: Metric
        public var min: Double?
        public var max: Double?
        /// The positive class for binary metrics, in canonical class form (see `ClassValue`).
        public var positiveLabel: String = "1"
    }

    /// A concept-drift detector with River 0.26's parameter names.
    public struct Detector: Sendable, Equatable {
        public var kind: String
        public var name: String?
        /// Parameters with defaults filled in, by River's names.
        public var parameters: [String: Double]
        /// Page-Hinkley's `mode`.
        public var mode: String?
    }

    /// The retrain-check loop's settings (CONTRACT.md §7).
    public struct Retrain: Sendable, Equatable {
        public var command: [String]
        public var maxAttempts = 3
        public var timeout: Double = 1800
        public var metric: PerformanceCheck.Metric
        public var minImprovement: Double = 0
        public var registry: String?
        public var cooldown: Double = 6 * 3600
        public var promoteCommand: [String]?
        public var dataRecords = 10000
        /// The alert kinds that start an episode (CONTRACT.md §7: `performance_degraded` and `concept_drift`).
        public var triggers: [Trigger] = [.performanceDegraded, .conceptDrift]
        /// A `data_drift` trigger needs this many features drifting in one window.
        public var minDriftedFeatures = 1
        /// What the monitor's reference becomes after a promotion.
        public var afterPromotion = AfterPromotion.keep

        /// The reference policy after a promotion.
        public enum AfterPromotion: String, Sendable, Equatable, CaseIterable {
            /// The reference stays.
            case keep
            /// The next records after the promotion, as many as the reference holds, become the reference.
            case rebaseline
        }

        /// What can start an episode.
        public enum Trigger: String, Sendable, Equatable, CaseIterable {
            case performanceDegraded = "performance_degraded"
            case conceptDrift = "concept_drift"
            case dataDrift = "data_drift"
            case predictionDrift = "prediction_drift"
        }
    }

    /// A webhook receiver.
    public struct Webhook: Sendable, Equatable {
        /// The body format posted to the receiver.
        public enum Format: String, Sendable, Equatable, CaseIterable {
            case generic, alertmanager, slack
        }
        public var url: String
        public var format: Format = .generic
        public var secretFile: String?
        public var credential: String?
        public var timeout: Double = 10
        /// How long a failing delivery is retried before it is dead-lettered (seconds).
        public var retryFor: Double = 24 * 3600
        /// Whether a cleared condition is posted as a resolved notification; nil: only for `alertmanager`.
        public var sendResolved: Bool?

        /// Whether resolved notifications go to this receiver.
        public var postsResolved: Bool { sendResolved ?? (format == .alertmanager) }
    }

    /// Where alerts go.
    public struct Alerts: Sendable, Equatable {
        public var journald = true
        public var webhooks: [Webhook] = []
        /// An alert that is still firing is not posted to webhooks again before this long (seconds; nil: every alert is posted).
        public var repeatInterval: Double?
        /// The daemon raises `stream_stalled` when no prediction line arrived for this long (seconds; nil: never).
        public var stalledAfter: Double?
        /// The daemon raises `ingest_errors` when a block of `ingestBlock` lines read has a larger share of malformed lines.
        public var maxMalformedRate = 0.05
        /// Lines per block over which the malformed share is measured.
        public static let ingestBlock = 1000
    }

    public var monitor: String
    public var task: Task
    public var description: String?
    public var predictions: PredictionSource
    public var labels: LabelSource?
    public var reference: Reference?
    public var window: Window
    public var features: [Feature]
    public var predictionDrift: [PredictionDriftTest]
    public var performance: [PerformanceCheck]
    public var conceptDrift: [Detector]
    public var retrain: Retrain?
    public var alerts: Alerts
    /// Multiple-testing correction of the features' KS and chi2 p-values within a window.
    public var correction: Correction = .none
    /// Dataset-level drift: the window drifts when at least this share of features drifts.
    public var datasetDriftShare: Double?
    /// The rule file this came from; relative paths in it are resolved against its folder.
    public var sourcePath: String
}
