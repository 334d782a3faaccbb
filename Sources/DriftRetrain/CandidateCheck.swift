/// Judges a candidate (CONTRACT §7 "Check").
///
/// The candidate wins when its value of `metric` meets the rule's bounds (`value >= min`,
/// `value <= max`) and, if a production value is known, beats it by more than `minImprovement`:
/// lower-is-better wins when `value < production - minImprovement`, higher-is-better when
/// `value > production + minImprovement`. With the default `minImprovement` of 0 that is "strictly
/// better"; a tie loses. Bounds are checked first.
public struct CandidateCheck: Sendable {
    /// The metric judged (`retrain.metric`).
    public var metric: String
    /// True for rmse, mae, mape, log_loss.
    public var lowerIsBetter: Bool
    /// nil: no production value known; then only the bounds apply.
    public var productionValue: Double?
    /// The candidate must beat production by more than this (strictly better when 0).
    public var minImprovement: Double = 0
    /// The rule's lower bound for the metric, if any.
    public var min: Double?
    /// The rule's upper bound for the metric, if any.
    public var max: Double?

    /// Creates a check.
    public init(metric: String, lowerIsBetter: Bool, productionValue: Double?, minImprovement: Double = 0, min: Double? = nil, max: Double? = nil) {
        self.metric = metric
        self.lowerIsBetter = lowerIsBetter
        self.productionValue = productionValue
        self.minImprovement = minImprovement
        self.min = min
        self.max = max
    }

    /// The decision on one candidate.
    public enum Verdict: Sendable, Equatable {
        /// The candidate's value of the metric, and all its metrics.
        case win(value: Double, metrics: [String: Double])
        /// Why it lost, and its metrics when metrics.json could be read.
        case loss(reason: String, metrics: [String: Double]?)
    }

    /// Reads WORKDIR/metrics.json: must be a JSON object whose values are finite numbers (reject NaN, strings, nested values, duplicate keys if you can detect them, a file over 1 MiB, a symlink) and that holds `metric`. Then compares. The reason says exactly why in words a person understands, with the numbers.
    public func judge(workdir: String) -> Verdict {
        let metrics: [String: Double]
        switch MetricsFile.read(workdir + "/metrics.json") {
        case .success(let read): metrics = read
        case .failure(let failure): return .loss(reason: failure.message, metrics: nil)
        }
        guard let value = metrics[metric] else {
            let names = metrics.keys.sorted().joined(separator: ", ")
            return .loss(reason: "metrics.json has no \"\(metric)\" (it has: \(names.isEmpty ? "nothing" : names))", metrics: metrics)
        }
        if let reason = compare(value) { return .loss(reason: reason, metrics: metrics) }
        return .win(value: value, metrics: metrics)
    }

    /// Why `value` loses, nil when it wins.
    public func compare(_ value: Double) -> String? {
        if let min, value < min { return "\(metric) \(value) is below the rule's min \(min)" }
        if let max, value > max { return "\(metric) \(value) is above the rule's max \(max)" }
        guard let production = productionValue else { return nil }
        let better = lowerIsBetter ? "lower" : "higher"
        if lowerIsBetter ? value < production - minImprovement : value > production + minImprovement { return nil }
        if minImprovement == 0 {
            return "\(metric) \(value) is not \(better) than production's \(production)"
        }
        let needed = lowerIsBetter ? production - minImprovement : production + minImprovement
        return "\(metric) \(value) does not improve on production's \(production) by more than min_improvement \(minImprovement) (it must be \(lowerIsBetter ? "<" : ">") \(needed))"
    }
}
