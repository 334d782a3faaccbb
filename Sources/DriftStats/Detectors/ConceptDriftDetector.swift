/// A concept-drift detector: a value in, whether drift is detected at this value out. Codable so the daemon can persist its state.
///
/// Every conforming detector replicates the River 0.26.1 detector of the same
/// name (`river.drift`, `river.drift.binary`): fed the same sequence, `update`
/// returns `true` exactly where River's `drift_detected` is `True` after its
/// `update`. As in River, the update after a detection first resets the
/// detector (`_reset()`), so every detection starts a fresh detector.
public protocol ConceptDriftDetector: Sendable, Codable, Equatable {
    /// Feeds one value (an error: `0`/`1` for the binary detectors, a real
    /// value for ADWIN, Page-Hinkley and KSWIN); returns whether drift is
    /// detected at this value.
    mutating func update(_ value: Double) -> Bool
}
