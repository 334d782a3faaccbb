// driftd-bench: hot paths measured on files the runner (Benchmarks/run.py) prepares, so the same
// bytes are timed here and in the Python references. Prints one JSON object per measurement.
import DriftEngine
import DriftRules
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

func report(_ name: String, _ fields: [String: Any]) {
    var object = fields
    object["name"] = name
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, arguments[1] == "parse" else {
    FileHandle.standardError.write(Data("usage: driftd-bench parse RULE.json PREDICTIONS.jsonl\n".utf8))
    exit(2)
}

// Parser: lines of the prediction file straight into the window's columns.
let rule: MonitorRule
switch RuleLoader.load(path: arguments[2]) {
case .success(let loaded): rule = loaded
case .failure(let list): fatalError(list.description)
}
let path = arguments[3]
let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
let layout = RecordLayout(rule: rule)
var lines = 0
let seconds = fastest(5) {
    let parser = RecordParser(layout: layout, categories: (0..<layout.categoricalCount).map { _ in CategoryDictionary() },
                              classes: CategoryDictionary())
    let columns = RecordColumns(numericalCount: layout.numericalCount, categoricalCount: layout.categoricalCount)
    lines = 0
    try! LineReader.forEachLine(path: path, includeUnterminated: true) { line, _ in
        guard case .complete(let buffer) = line else { return }
        lines += 1
        if parser.parsePrediction(buffer) == nil { parser.commitPrediction(to: columns, streamIndex: lines) }
    }
    precondition(columns.count == lines)
}
let scanOnly = fastest(5) {
    var count = 0
    try! LineReader.forEachLine(path: path, includeUnterminated: true) { line, _ in
        if case .complete = line { count += 1 }
    }
    precondition(count == lines)
}
let parseOnly = fastest(5) {
    let parser = RecordParser(layout: layout, categories: (0..<layout.categoricalCount).map { _ in CategoryDictionary() },
                              classes: CategoryDictionary())
    try! LineReader.forEachLine(path: path, includeUnterminated: true) { line, _ in
        guard case .complete(let buffer) = line else { return }
        precondition(parser.parsePrediction(buffer) == nil)
    }
}
report("line-split", ["seconds": scanOnly])
report("parse-without-store", ["seconds": parseOnly])
report("parse", ["lines": lines, "bytes": bytes.count, "seconds": seconds, "lines_per_second": Double(lines) / seconds])
