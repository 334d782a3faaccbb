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
/// wrote (reference.f64, current.f64, edges.f64, and optionally reference-big.f64, current-big.f64).
///
/// Each figure is the fastest of several runs and covers what the engine does per window: the
/// reference is sorted and binned once per profile (not timed); the window is copied and sorted
/// (timed) before KS and Wasserstein, and histogrammed unsorted for PSI and Jensen-Shannon.
func benchmarkKernels(directory: String, repeats: Int) {
    func load(_ name: String) -> [Double]? { readDoubles(directory + "/" + name) }
    guard let reference = load("reference.f64"), let current = load("current.f64"), let edges = load("edges.f64") else {
        fatalError("missing reference.f64, current.f64 or edges.f64 in \(directory)")
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
