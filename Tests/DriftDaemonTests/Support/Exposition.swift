/// The samples of a Prometheus text exposition, by series as written (`name{a="1",b="2"}`).
struct Exposition {
    let text: String
    let samples: [String: Double]

    init(_ text: String) {
        self.text = text
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let value = line[line.index(after: space)...]
            samples[String(line[..<space])] = value == "nan" || value == "NaN" ? .nan : Double(value)
        }
        self.samples = samples
    }

    /// The value of `name` with these labels, in the order the series carries them.
    func value(_ name: String, _ labels: KeyValuePairs<String, String> = [:]) -> Double? {
        let series = labels.isEmpty ? name : name + "{" + labels.map { #"\#($0.key)="\#($0.value)""# }.joined(separator: ",") + "}"
        return samples[series]
    }

    /// Every series of a metric family.
    func series(named name: String) -> [String] {
        samples.keys.filter { $0 == name || $0.hasPrefix(name + "{") }.sorted()
    }
}
