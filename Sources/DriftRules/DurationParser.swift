/// Durations written as `"90s"`, `"30m"`, `"6h"`, `"7d"` (also `"500ms"`), in seconds.
public enum DurationParser {
    /// The number of seconds, or nil when the text is not a positive duration.
    public static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Double(digits), value > 0 else { return nil }
            return value * scale
        }
        return nil
    }
}
