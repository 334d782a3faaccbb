/// Everything evaluated for one complete window (an element of the report's `windows`, §4).
public struct WindowResult: Sendable, Equatable {
    /// One feature's missing count and test outcomes, in rule order.
    public struct FeatureResult: Sendable, Equatable {
        public var name: String
        public var missing: Int
        public var outcomes: [DriftOutcome]
        /// Missing rate, out-of-range and unseen values against the reference (nil without a reference).
        public var quality: QualityFindings?
    }

    /// The dataset-level verdict: the share of features with drift, against the rule's bound.
    public struct DatasetDrift: Sendable, Equatable {
        public var driftedFeatures: [String]
        public var testedFeatures: Int
        public var share: Double
        public var threshold: Double
        public var drift: Bool
    }

    /// A prediction-drift outcome and the field it tested.
    public struct PredictionResult: Sendable, Equatable {
        public var field: String
        public var missing: Int
        public var outcome: DriftOutcome
    }

    public var index: Int
    /// The stream index of the window's first record.
    public var firstRecord: Int
    public var count: Int
    /// Seconds since the epoch: the time window's bounds, or a count window's first and last record times.
    public var startTime: Double?
    public var endTime: Double?
    public var features: [FeatureResult]
    public var prediction: [PredictionResult]
    public var performance: PerformanceResult?
    public var datasetDrift: DatasetDrift?
    public var alerts: [Alert]
}
