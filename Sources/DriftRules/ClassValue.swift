/// Canonical text for a category or class written as a JSON string, number or boolean.
///
/// Numbers that are integers are written without a fraction (`1.0` and `1` are the same class),
/// other numbers in their shortest round-trip form. For classes (labels and predicted classes)
/// `true`/`false` are `1`/`0`, as in Python where `True == 1`; for categorical features they stay
/// `true`/`false`.
public enum ClassValue {
    /// The canonical text of a JSON number.
    public static func canonical(number: Double) -> String {
        if number.rounded(.towardZero) == number, abs(number) < 9.007_199_254_740_992e15 {
            return String(Int64(number))
        }
        return "\(number)"
    }

    /// The canonical text of a boolean, as a class (`1`/`0`) or as a category (`true`/`false`).
    public static func canonical(bool: Bool, asClass: Bool) -> String {
        asClass ? (bool ? "1" : "0") : (bool ? "true" : "false")
    }
}
