import DriftEngine
import DriftRules
import Foundation

/// `driftd-bench parse RULE PREDICTIONS`: the record parser from file to columns, and its parts.
func benchmarkParse(rulePath: String, path: String) {
    // Parser: lines of the prediction file straight into the window's columns.
    let rule: MonitorRule
    switch RuleLoader.load(path: rulePath) {
    case .success(let loaded): rule = loaded
    case .failure(let list): fatalError(list.description)
    }

    let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
    // DRIFTD_BENCH_REPEATS=1 for a single pass of each measurement (callgrind).
    let repeats = ProcessInfo.processInfo.environment["DRIFTD_BENCH_REPEATS"].flatMap { Int($0) } ?? 5
    let layout = RecordLayout(rule: rule)
    var lines = 0
    let seconds = fastest(repeats) {
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
    let scanOnly = fastest(repeats) {
        var count = 0
        try! LineReader.forEachLine(path: path, includeUnterminated: true) { line, _ in
            if case .complete = line { count += 1 }
        }
        precondition(count == lines)
    }
    let parseOnly = fastest(repeats) {
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
}
