import Crypto
public import DriftEngine

/// A stable identity for "the same alert": the key that deduplicates repeats, resolves an alert
/// once its condition clears, and groups an alert's occurrences in journald (`DRIFTD_FINGERPRINT`)
/// and in webhooks.
///
/// The fingerprint covers what says *which* condition fired, never what changes from one
/// occurrence to the next (window, record, value, threshold, message). It is the first 8 bytes of
/// the SHA-256 of this UTF-8 string, as 16 lowercase hex digits:
///
///     "driftd-alert-v1" US monitor US kind US feature US method US metric US bound US detector US detectorName
///
/// where `US` is the ASCII unit separator U+001F, `kind` is the contract's name (`data_drift`), and
/// an absent field is the empty string. So a PSI drift of `trip_distance` in `taxi-duration` is
/// `"driftd-alert-v1␟taxi-duration␟data_drift␟trip_distance␟psi␟␟␟␟"`. The result is the same on
/// every platform and every run; the version tag changes if the input ever has to.
public enum AlertFingerprint {
    /// The input's version tag; part of the hashed string.
    public static let version = "driftd-alert-v1"

    /// The exact string that is hashed (see the type's documentation).
    public static func input(of alert: Alert) -> String {
        [
            version, alert.monitor, alert.kind.rawValue, alert.feature ?? "", alert.method ?? "",
            alert.metric ?? "", alert.bound ?? "", alert.detector ?? "", alert.detectorName ?? "",
        ].joined(separator: "\u{1F}")
    }

    /// The alert's fingerprint: 16 lowercase hex digits.
    public static func of(_ alert: Alert) -> String {
        hex16(of: input(of: alert))
    }

    /// The first 8 bytes of the SHA-256 of `text`'s UTF-8, as 16 lowercase hex digits.
    static func hex16(of text: String) -> String {
        let digest = SHA256.hash(data: Array(text.utf8))
        let hex: [Character] = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(16)
        for byte in digest.prefix(8) {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0f)])
        }
        return text
    }
}
