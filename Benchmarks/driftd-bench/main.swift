// driftd-bench: hot paths measured on files the runner (Benchmarks/run.py) prepares, so the same
// bytes are timed here and in the Python references. Prints one JSON object per measurement.
// Each benchmark lives in its own file; add a case here for a new one.
import Foundation

let arguments = CommandLine.arguments
switch arguments.dropFirst().first {
case "parse" where arguments.count == 4:
    benchmarkParse(rulePath: arguments[2], path: arguments[3])
case "kernels" where arguments.count == 3:
    benchmarkKernels(directory: arguments[2], repeats: 7)
case "detectors" where arguments.count == 3:
    benchmarkDetectors(specPath: arguments[2])
default:
    FileHandle.standardError.write(Data("usage: driftd-bench parse RULE.json PREDICTIONS.jsonl | kernels DIRECTORY | detectors SPEC.json\n".utf8))
    exit(2)
}
