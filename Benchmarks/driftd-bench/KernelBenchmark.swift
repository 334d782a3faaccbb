import DriftEngine
import DriftStats
import Foundation

/// Reads a file of raw little-endian float64 values (numpy's `ndarray.tofile`).
private func readDoubles(_ path: String) -> [Double]? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return data.withUnsafeBytes { bytes in
        Array(bytes.bindMemory(to: Double.self))
    }
}

/// `driftd-bench kernels DIRECTORY`: the statistics kernels on the arrays Benchmarks/bench_kernels.py
/// wrote (reference.f64, current.f64, edges.f64, and optionally reference-big.f64, current-big.f64),
/// and the data-drift report's statistics on those Benchmarks/bench_report.py wrote
/// (report-reference-K.f64 and report-current-K.f64, one pair per feature K); each part runs when
/// its files are there.
///
/// Each figure is the fastest of several runs and covers what the engine does per window: the
/// reference is sorted and binned once per profile (not timed); the window is copied and sorted
/// (timed) before KS and Wasserstein, and histogrammed unsorted for PSI and Jensen-Shannon.
func benchmarkKernels(directory: String, repeats: Int) {
    func load(_ name: String) -> [Double]? { readDoubles(directory + "/" + name) }
    benchmarkReportStatistics(load: load, repeats: repeats)
    guard let reference = load("reference.f64"), let current = load("current.f64"), let edges = load("edges.f64") else {
        return
    }
    let referenceSorted = RadixSort.sorted(reference)
    let referenceCounts = SIMDKernels.histogram(reference, edges: edges)

    // Sorting the window: ours, and the standard library's for comparison.
    var sink = 0.0
    let sortSeconds = fastest(repeats) {
        sink += RadixSort.sorted(current)[0]
    }
    let librarySortSeconds = fastest(max(1, repeats / 3)) {
        var copy = current
        copy.sort()
        sink += copy[0]
    }
    report("sort", ["count": current.count, "seconds": sortSeconds, "library_sort_seconds": librarySortSeconds])

    // PSI and Jensen-Shannon: the window's histogram over precomputed edges, then the statistic.
    var psi = 0.0
    let psiSeconds = fastest(repeats) {
        psi = PopulationStabilityIndex.value(reference: referenceCounts, current: SIMDKernels.histogram(current, edges: edges))!
    }
    let histogramSeconds = fastest(repeats) {
        sink += Double(SIMDKernels.histogram(current, edges: edges)[0])
    }
    report("psi", ["count": current.count, "seconds": psiSeconds, "histogram_seconds": histogramSeconds, "value": psi])
    var jensenShannon = 0.0
    let jensenShannonSeconds = fastest(repeats) {
        jensenShannon = JensenShannon.distance(reference: referenceCounts, current: SIMDKernels.histogram(current, edges: edges))!
    }
    report("js", ["count": current.count, "seconds": jensenShannonSeconds, "value": jensenShannon])

    // KS and Wasserstein: sort the window, then one merge with the sorted reference.
    let currentSorted = RadixSort.sorted(current)
    func twoSampleFigures(_ name: String, _ referenceSorted: [Double], _ current: [Double], _ currentSorted: [Double]) {
        var result: KolmogorovSmirnovResult?
        let seconds = fastest(repeats) {
            result = KolmogorovSmirnov.twoSample(sortedReference: referenceSorted, sortedCurrent: RadixSort.sorted(current))
        }
        let mergeSeconds = fastest(repeats) {
            result = KolmogorovSmirnov.twoSample(sortedReference: referenceSorted, sortedCurrent: currentSorted)
        }
        report(name, ["count": current.count, "seconds": seconds, "merge_seconds": mergeSeconds,
                      "statistic": result!.statistic, "pvalue": result!.pValue])
    }
    twoSampleFigures("ks", referenceSorted, current, currentSorted)

    var distance = 0.0
    let wassersteinSeconds = fastest(repeats) {
        distance = Wasserstein.distance(sortedU: referenceSorted, sortedV: RadixSort.sorted(current))!
    }
    let wassersteinMergeSeconds = fastest(repeats) {
        distance = Wasserstein.distance(sortedU: referenceSorted, sortedV: currentSorted)!
    }
    report("wasserstein", ["count": current.count, "seconds": wassersteinSeconds,
                           "merge_seconds": wassersteinMergeSeconds, "value": distance])

    if let bigReference = load("reference-big.f64"), let bigCurrent = load("current-big.f64") {
        twoSampleFigures("ks-big", RadixSort.sorted(bigReference), bigCurrent, RadixSort.sorted(bigCurrent))
    }
    if sink == 42 { print("") }
}

/// The statistics of a data-drift report in memory, as the engine computes them for one window:
/// per feature, the reference profile (gather, sort, PSI quantile edges and counts) and the window
/// (gather, sort, histogram, PSI, KS). Reading and parsing records is left out, as it is for the
/// DataFrames Evidently and NannyML are given.
private func benchmarkReportStatistics(load: (String) -> [Double]?, repeats: Int) {
    var references: [[Double]] = []
    var currents: [[Double]] = []
    while let reference = load("report-reference-\(references.count).f64"),
          let current = load("report-current-\(currents.count).f64") {
        references.append(reference)
        currents.append(current)
    }
    guard !references.isEmpty else { return }
    let referenceRows = Array(references[0].indices)
    let currentRows = Array(currents[0].indices)
    var drifted = 0
    let seconds = fastest(max(1, repeats / 2)) {
        drifted = 0
        for (reference, current) in zip(references, currents) {
            guard case .numerical(let referenceSorted, _) = ColumnValues.numerical(reference, rows: referenceRows),
                  case .numerical(let currentSorted, _) = ColumnValues.numerical(current, rows: currentRows)
            else { continue }
            let binning = QuantileBinning(referenceSorted: referenceSorted, bins: 10)
            let referenceCounts = binning.counts(referenceSorted)
            let psi = PopulationStabilityIndex.value(reference: referenceCounts, current: binning.counts(currentSorted))
            let ks = KolmogorovSmirnov.twoSample(sortedReference: referenceSorted, sortedCurrent: currentSorted)
            if (psi ?? 0) >= 0.2 || (ks?.pValue ?? 1) < 0.01 { drifted += 1 }
        }
    }
    report("report-statistics", ["features": references.count, "rows": references[0].count, "seconds": seconds,
                                 "drifted": drifted])
}
