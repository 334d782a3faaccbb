public import DriftEngine

extension Alert.Kind {
    /// The journald `MESSAGE_ID` of this kind of alert: a fixed 128-bit id, written as 32 lowercase
    /// hex digits, that `journalctl MESSAGE_ID=...` filters on and that keys the kind's entry in the
    /// message catalog `systemd/driftd.catalog` (shown by `journalctl -x`).
    ///
    /// Generated once with `systemd-id128 new`; never change one, since saved journal queries and
    /// installed catalogs refer to it.
    public var journalMessageID: String {
        switch self {
        case .dataDrift: "916e729119044fce89e4d8e66325f99f"
        case .predictionDrift: "481e77235c5d4e858c8b83b9366adc94"
        case .conceptDrift: "19d66b597fb74545a014d0a8f66f8fc3"
        case .dataQuality: "ebf0368a98e344b5b10bf2c6f449efdc"
        case .ingestErrors: "d2a8566d34d14939a3203af5bc09b2da"
        case .retrainAttemptFailed: "93122b5fb3f64f52801d21310413dbc4"
        case .performanceDegraded: "5b7049d073e04b3ba1035efc0b376e41"
        case .streamStalled: "2c755ce026aa4ad7b53ef9ffbc43afed"
        case .retrainExhausted: "b7855bede9d64b8cb156b894d4f8b7b6"
        case .retrainStarted: "6454831d43f648b3a72bdea5db67146c"
        case .modelPromoted: "f227a08e713444e4974fbc28d4d19500"
        }
    }
}
