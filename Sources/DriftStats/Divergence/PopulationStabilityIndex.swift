#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Population Stability Index of CONTRACT.md §5.
public enum PopulationStabilityIndex {
    /// The proportion that replaces a proportion of exactly 0, so that the
    /// logarithm stays finite: `1e-4`.
    public static let proportionFloor: Double = 1e-4

    /// `PSI = sum((c_i - r_i) * ln(c_i / r_i))` over aligned bins (numerical
    /// feature) or categories (categorical feature, over the union of both
    /// sides' categories), computed as numpy computes
    /// `r = ref / ref.sum(); r[r == 0] = 1e-4; ...; numpy.sum((c - r) * numpy.log(c / r))`:
    /// each proportion is one division `Double(count) / Double(total)`, and
    /// the terms are added by numpy's pairwise sum.
    ///
    /// Only proportions of exactly 0 are floored, so the proportions of a side
    /// with an empty bin add up to a little more than 1, as in the contract.
    ///
    /// - Parameters:
    ///   - reference: the reference counts, one per bin or category.
    ///   - current: the window's counts, aligned with `reference`.
    /// - Returns: nil when either side has no values at all (a total of 0),
    ///   where proportions are undefined.
    public static func value(reference: [Int], current: [Int]) -> Double? {
        precondition(reference.count == current.count, "PSI needs aligned count vectors")
        let referenceTotal = reference.reduce(0, +)
        let currentTotal = current.reduce(0, +)
        guard referenceTotal > 0, currentTotal > 0 else { return nil }
        let referenceSize = Double(referenceTotal)
        let currentSize = Double(currentTotal)
        var terms = [Double]()
        terms.reserveCapacity(reference.count)
        for index in reference.indices {
            var referenceProportion = Double(reference[index]) / referenceSize
            var currentProportion = Double(current[index]) / currentSize
            if referenceProportion == 0 { referenceProportion = proportionFloor }
            if currentProportion == 0 { currentProportion = proportionFloor }
            terms.append((currentProportion - referenceProportion) * log(currentProportion / referenceProportion))
        }
        return SIMDKernels.sum(terms)
    }
}
