/// An array of a detector's `Double` state that survives JSON (see
/// `JSONSafe`): a plain array of numbers when every value is finite, else
/// each non-finite value as `"inf"`, `"-inf"` or `"nan"`.
@propertyWrapper
struct JSONSafeArray: Sendable, Codable, Equatable {
    var wrappedValue: [Double]

    init(wrappedValue: [Double]) {
        self.wrappedValue = wrappedValue
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let numbers = try? container.decode([Double].self) {
            wrappedValue = numbers
        } else {
            wrappedValue = try container.decode([JSONSafe].self).map(\.wrappedValue)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if wrappedValue.allSatisfy(\.isFinite) {
            try container.encode(wrappedValue)
        } else {
            try container.encode(wrappedValue.map { JSONSafe(wrappedValue: $0) })
        }
    }

    static func == (left: JSONSafeArray, right: JSONSafeArray) -> Bool {
        left.wrappedValue.count == right.wrappedValue.count
            && zip(left.wrappedValue, right.wrappedValue).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
}
