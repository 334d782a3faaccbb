import Foundation

/// Seconds of the fastest of `repeats` runs of `body`.
func fastest(_ repeats: Int, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return best
}

/// Prints one measurement as a JSON object on its own line (Benchmarks/run.py reads them).
func report(_ name: String, _ fields: [String: Any]) {
    var object = fields
    object["name"] = name
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}
