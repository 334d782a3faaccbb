import DriftRules
import DriftStore
import Foundation

/// `DRIFTD_DATA` (CONTRACT.md §7): a monitor's most recent labeled records as JSON Lines, one object
/// per record with `id`, `ts`, `features`, `prediction`, `score` (where present) and `label`, oldest
/// first, keys sorted. Built from the lines the engine was fed (the state database), joined the way
/// the engine joins: the first label of an id wins; a prediction id seen twice is written once (its
/// latest record).
enum TrainingData {
    /// Writes at most `limit` records to `path`; returns how many were written.
    static func write(rule: MonitorRule, store: StateStore, limit: Int, to path: String) throws -> Int {
        guard let labelSource = rule.labels else { return try write([], to: path) }
        var labels: [String: Any] = [:]
        try store.forEachInput(monitor: rule.monitor, stream: .labels, newestFirst: false) { line in
            if let object = object(line.bytes), let id = key(object[labelSource.idField]), labels[id] == nil,
               let label = object[labelSource.labelField], !(label is NSNull) {
                labels[id] = label
            }
            return true
        }
        let fields = rule.predictions
        var records: [[String: Any]] = []
        var written = Set<String>()
        try store.forEachInput(monitor: rule.monitor, stream: .predictions, newestFirst: true) { line in
            guard let object = object(line.bytes), let rawID = object[fields.idField], let id = key(rawID),
                  let label = labels[id], written.insert(id).inserted else { return true }
            var record: [String: Any] = ["id": rawID, "label": label]
            record["ts"] = object[fields.timestampField]
            record["features"] = object[fields.featuresField] ?? [String: Any]()
            record["prediction"] = object[fields.predictionField]
            record["score"] = object[fields.scoreField]
            records.append(record)
            return records.count < limit
        }
        return try write(records.reversed(), to: path)
    }

    private static func write(_ records: [[String: Any]], to path: String) throws -> Int {
        var data = Data()
        for record in records {
            data += try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes])
            data.append(0x0A)
        }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        return records.count
    }

    private static func object(_ bytes: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) as? [String: Any]
    }

    /// An id as a join key: a string as is, a number by its decimal text.
    private static func key(_ value: Any?) -> String? {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }
}
