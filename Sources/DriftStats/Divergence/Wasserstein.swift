/// The Wasserstein (earth mover's) distance of CONTRACT.md §5.
public enum Wasserstein {
    /// `scipy.stats.wasserstein_distance(u, v)` for two 1-D samples
    /// (scipy's `_cdf_distance(1, u, v)`): over the pooled sorted values
    /// `all`, the sum of `|U(all[i]) - V(all[i])| * (all[i + 1] - all[i])`,
    /// where `U(x)` is the number of u values `<= x` (`searchsorted(..., 'right')`)
    /// divided by u's size, one division each.
    ///
    /// Here the pooled values and both empirical CDFs come from one linear
    /// merge of the two sorted arrays (O(n + m), no binary search, one
    /// division per value), and the terms are added by numpy's pairwise sum.
    /// scipy adds them with `numpy.vecdot` (a BLAS dot product whose order
    /// depends on the CPU), so results agree to a few ulps, not bit for bit.
    ///
    /// - Parameters:
    ///   - sortedU: the first sample, ascending, without NaN.
    ///   - sortedV: the second sample, ascending, without NaN.
    /// - Returns: nil if either sample is empty (scipy raises).
    public static func distance(sortedU: [Double], sortedV: [Double]) -> Double? {
        let uCount = sortedU.count
        let vCount = sortedV.count
        guard uCount > 0, vCount > 0 else { return nil }
        let pooledCount = uCount + vCount
        let uSize = Double(uCount)
        let vSize = Double(vCount)
        // term[p] = |U - V| * (all[p + 1] - all[p]), with U and V the CDFs
        // after the pooled value all[p]. Inside a run of equal values the
        // width is 0 and so is the term, whatever the counts; at the run's
        // last value the merge has consumed exactly the values <= all[p]. So
        // the merge's own counts give every term, and each step divides only
        // the count that moved.
        let terms = sortedU.withUnsafeBufferPointer { u in
            sortedV.withUnsafeBufferPointer { v in
                [Double](unsafeUninitializedCapacity: pooledCount - 1) { output, initialised in
                    var i = 0
                    var j = 0
                    var uCDF = 0.0
                    var vCDF = 0.0
                    var previous: Double
                    if u[0] <= v[0] {
                        previous = u[0]
                        i = 1
                        uCDF = Double(i) / uSize
                    } else {
                        previous = v[0]
                        j = 1
                        vCDF = Double(j) / vSize
                    }
                    var difference = uCDF - vCDF
                    var index = 0
                    while i < uCount && j < vCount {
                        let value: Double
                        if u[i] <= v[j] {
                            value = u[i]
                            i += 1
                            uCDF = Double(i) / uSize
                        } else {
                            value = v[j]
                            j += 1
                            vCDF = Double(j) / vSize
                        }
                        output[index] = abs(difference) * (value - previous)
                        index += 1
                        difference = uCDF - vCDF
                        previous = value
                    }
                    while i < uCount {
                        let value = u[i]
                        i += 1
                        uCDF = Double(i) / uSize
                        output[index] = abs(difference) * (value - previous)
                        index += 1
                        difference = uCDF - vCDF
                        previous = value
                    }
                    while j < vCount {
                        let value = v[j]
                        j += 1
                        vCDF = Double(j) / vSize
                        output[index] = abs(difference) * (value - previous)
                        index += 1
                        difference = uCDF - vCDF
                        previous = value
                    }
                    initialised = pooledCount - 1
                }
            }
        }
        return SIMDKernels.sum(terms)
    }

    /// The straightforward computation of ``distance(sortedU:sortedV:)``: for
    /// each pooled value, the counts of values at or below it in each sample
    /// (two divisions per value), the reference the fast path is tested
    /// against.
    static func distanceByDivision(sortedU: [Double], sortedV: [Double]) -> Double? {
        let uCount = sortedU.count
        let vCount = sortedV.count
        guard uCount > 0, vCount > 0 else { return nil }
        let pooledCount = uCount + vCount
        let uSize = Double(uCount)
        let vSize = Double(vCount)
        let terms = sortedU.withUnsafeBufferPointer { u in
            sortedV.withUnsafeBufferPointer { v in
                [Double](unsafeUninitializedCapacity: pooledCount - 1) { output, initialised in
                    // Merge position in each sample for the pooled sequence.
                    var uMerged = 0
                    var vMerged = 0
                    // Number of values <= the current pooled value (the CDF counts).
                    var uAtOrBelow = 0
                    var vAtOrBelow = 0
                    func nextPooled() -> Double {
                        if vMerged == vCount || (uMerged < uCount && u[uMerged] <= v[vMerged]) {
                            uMerged += 1
                            return u[uMerged - 1]
                        }
                        vMerged += 1
                        return v[vMerged - 1]
                    }
                    var current = nextPooled()
                    for index in 0..<(pooledCount - 1) {
                        while uAtOrBelow < uCount && u[uAtOrBelow] <= current { uAtOrBelow += 1 }
                        while vAtOrBelow < vCount && v[vAtOrBelow] <= current { vAtOrBelow += 1 }
                        let next = nextPooled()
                        let cdfDifference = Double(uAtOrBelow) / uSize - Double(vAtOrBelow) / vSize
                        output[index] = abs(cdfDifference) * (next - current)
                        current = next
                    }
                    initialised = pooledCount - 1
                }
            }
        }
        return SIMDKernels.sum(terms)
    }

    /// The contract's normalised distance,
    /// `scipy.stats.wasserstein_distance(ref, cur) / numpy.std(ref)`, with the
    /// population standard deviation (ddof 0) of
    /// ``SIMDKernels/populationStandardDeviation(_:)``. It is computed over the
    /// sorted reference, so it can differ from numpy's `std` of the unsorted
    /// array in the last bits (the pairwise sum depends on the order).
    ///
    /// - Returns: nil if either sample is empty, and nil when the reference
    ///   has no spread (`std == 0`: a constant reference), where numpy would
    ///   give infinity, or NaN if the distance is 0 too.
    public static func normalized(sortedReference: [Double], sortedCurrent: [Double]) -> Double? {
        guard let raw = distance(sortedU: sortedReference, sortedV: sortedCurrent) else { return nil }
        let spread = SIMDKernels.populationStandardDeviation(sortedReference)
        guard spread != 0 else { return nil }
        return raw / spread
    }
}
