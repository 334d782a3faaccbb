/// A detector's `Double` state that survives JSON: River starts several
/// minima at `inf` (DDM's `_ps_min`, Page-Hinkley's `_min_increase`, HDDM-W's
/// cut points), which `JSONEncoder` refuses by default, and non-finite inputs
/// can make any state non-finite. Finite values are written as JSON numbers
/// (exactly), the others as the strings `"inf"`, `"-inf"` and `"nan"`.
///
/// Equality treats NaN as equal to NaN, so a restored state equals the saved one.
@propertyWrapper
struct JSONSafe: Sendable, Codable, Equatable {
    var wrappedValue: Double

    init(wrappedValue: Double) {
        self.wrappedValue = wrappedValue
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            wrappedValue = number
            return
        }
        switch try container.decode(String.self) {
        case "inf": wrappedValue = .infinity
        case "-inf": wrappedValue = -.infinity
        case "nan": wrappedValue = .nan
        case let other:
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a number: \(other)")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if wrappedValue.isFinite {
            try container.encode(wrappedValue)
        } else if wrappedValue.isNaN {
            try container.encode("nan")
        } else {
            try container.encode(wrappedValue > 0 ? "inf" : "-inf")
        }
    }

    static func == (left: JSONSafe, right: JSONSafe) -> Bool {
        left.wrappedValue == right.wrappedValue || (left.wrappedValue.isNaN && right.wrappedValue.isNaN)
    }
}
