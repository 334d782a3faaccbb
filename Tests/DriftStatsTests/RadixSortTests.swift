@testable import DriftStats
import Foundation
import Testing

// The radix sort against the standard library's sort, and the statistics on
// radix-sorted data against the same statistics on comparison-sorted data.
// No fixture: the reference is `Array.sorted()`.

/// A deterministic generator (SplitMix64) so that the random cases are reproducible.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A standard normal value (Box-Muller).
private func normal(_ generator: inout SplitMix64) -> Double {
    let u = Double.random(in: Double.ulpOfOne..<1, using: &generator)
    let v = Double.random(in: 0..<1, using: &generator)
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
}

/// Named distributions, including the adversarial ones of issue 3: ties,
/// signed zeros, subnormals, ±1e300, the extremes of the finite doubles, a
/// single narrow band, already sorted and reversed data.
private func distributions(count: Int, generator: inout SplitMix64) -> [(String, [Double])] {
    var cases: [(String, [Double])] = []
    cases.append(("normal", (0..<count).map { _ in normal(&generator) }))
    cases.append(("normal rounded to 4 decimals", (0..<count).map { _ in
        (normal(&generator) * 10_000).rounded() / 10_000
    }))
    cases.append(("uniform", (0..<count).map { _ in Double.random(in: -5...5, using: &generator) }))
    cases.append(("small integers", (0..<count).map { _ in Double(Int.random(in: 1...6, using: &generator)) }))
    cases.append(("one value", [Double](repeating: 3.25, count: count)))
    cases.append(("signed zeros", (0..<count).map { _ in Bool.random(using: &generator) ? -0.0 : 0.0 }))
    cases.append(("zeros and ones", (0..<count).map { _ in
        [-0.0, 0.0, 1.0, -1.0][Int.random(in: 0..<4, using: &generator)]
    }))
    cases.append(("subnormals", (0..<count).map { _ in
        Double.leastNonzeroMagnitude * Double(Int.random(in: -1000...1000, using: &generator))
    }))
    cases.append(("huge magnitudes", (0..<count).map { _ in
        switch Int.random(in: 0..<5, using: &generator) {
        case 0: return 1e300
        case 1: return -1e300
        case 2: return Double.greatestFiniteMagnitude
        case 3: return -Double.greatestFiniteMagnitude
        default: return Double.random(in: -1e300...1e300, using: &generator)
        }
    }))
    cases.append(("every kind", (0..<count).map { _ in
        switch Int.random(in: 0..<8, using: &generator) {
        case 0: return Bool.random(using: &generator) ? -0.0 : 0.0
        case 1: return Double.leastNonzeroMagnitude * Double(Int.random(in: -3...3, using: &generator))
        case 2: return Double.random(in: -1e300...1e300, using: &generator)
        case 3: return Double(Int.random(in: -20...20, using: &generator))
        case 4: return Double.leastNormalMagnitude * Double.random(in: -2...2, using: &generator)
        default: return normal(&generator) * 1e-3
        }
    }))
    cases.append(("narrow band", (0..<count).map { _ in 1000 + Double.random(in: 0..<1e-9, using: &generator) }))
    cases.append(("two narrow bands", (0..<count).map { _ in
        (Bool.random(using: &generator) ? -1000 : 1000) + Double.random(in: 0..<1e-9, using: &generator)
    }))
    cases.append(("one value and rare others", (0..<count).map { _ in
        Int.random(in: 0..<1000, using: &generator) == 0 ? normal(&generator) * 1e6 : 5
    }))
    cases.append(("integers in a wide range", (0..<count).map { _ in
        Double(Int.random(in: -1_000_000...1_000_000, using: &generator))
    }))
    cases.append(("powers of two", (0..<count).map { _ in
        Double(sign: Bool.random(using: &generator) ? .minus : .plus,
               exponent: Int.random(in: -60...60, using: &generator), significand: 1)
    }))
    let sorted = (0..<count).map { _ in normal(&generator) }.sorted()
    cases.append(("sorted", sorted))
    cases.append(("reversed", sorted.reversed()))
    return cases
}

private func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

@Test func radixSortOrdersAsTheStandardLibrarySortOnAdversarialData() {
    var generator = SplitMix64(state: 20_261_123)
    for count in [0, 1, 2, 47, 63, 64, 65, 100, 1000, 4097, 32_768, 32_769, 70_001, 300_000] {
        for (name, values) in distributions(count: count, generator: &generator) {
            let expected = values.sorted()
            let radix = RadixSort.sorted(values)
            #expect(radix == expected, "\(name), \(count) values")
            var inPlace = values
            RadixSort.sort(&inPlace)
            #expect(sameBits(inPlace, radix), "\(name), \(count) values: in place")
        }
    }
}

@Test func radixSortPutsNegativeZeroBeforeZero() {
    var generator = SplitMix64(state: 11)
    for count in [64, 1000, 50_000] {
        for (name, values) in distributions(count: count, generator: &generator) {
            let radix = RadixSort.sorted(values)
            // Bit patterns are in key order: no 0.0 before a -0.0.
            let zeros = radix.filter { $0 == 0 }
            let firstPositive = zeros.firstIndex { $0.sign == .plus } ?? zeros.count
            #expect(zeros[firstPositive...].allSatisfy { $0.sign == .plus }, "\(name), \(count) values")
        }
    }
}

@Test func radixSortKeysOrderAsTheDoubles() {
    let values: [Double] = [
        -.greatestFiniteMagnitude, -1e300, -2, -1, -.leastNormalMagnitude, -.leastNonzeroMagnitude, -0.0,
        0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, 1, 2, 1e300, .greatestFiniteMagnitude,
    ]
    let keys = values.map { RadixSort.key($0.bitPattern) }
    #expect(keys == keys.sorted())
    #expect(Set(keys).count == keys.count)
    for value in values {
        #expect(RadixSort.bits(RadixSort.key(value.bitPattern)) == value.bitPattern)
    }
}

@Test func statisticsOnRadixSortedDataAreBitIdentical() throws {
    var generator = SplitMix64(state: 99)
    for count in [64, 500, 5000, 40_000] {
        let references = distributions(count: count, generator: &generator)
        let currents = distributions(count: count * 3 / 4 + 7, generator: &generator)
        for ((name, reference), (_, current)) in zip(references, currents) {
            let referenceRadix = RadixSort.sorted(reference)
            let referenceLibrary = reference.sorted()
            let currentRadix = RadixSort.sorted(current)
            let currentLibrary = current.sorted()
            let ksRadix = try #require(KolmogorovSmirnov.twoSample(sortedReference: referenceRadix, sortedCurrent: currentRadix))
            let ksLibrary = try #require(KolmogorovSmirnov.twoSample(sortedReference: referenceLibrary, sortedCurrent: currentLibrary))
            #expect(ksRadix.statistic.bitPattern == ksLibrary.statistic.bitPattern, "\(name) \(count): KS statistic")
            #expect(ksRadix.pValue.bitPattern == ksLibrary.pValue.bitPattern, "\(name) \(count): KS p-value")
            let wassersteinRadix = Wasserstein.distance(sortedU: referenceRadix, sortedV: currentRadix)
            let wassersteinLibrary = Wasserstein.distance(sortedU: referenceLibrary, sortedV: currentLibrary)
            #expect(wassersteinRadix?.bitPattern == wassersteinLibrary?.bitPattern, "\(name) \(count): Wasserstein")
            #expect(
                SIMDKernels.populationStandardDeviation(referenceRadix).bitPattern
                    == SIMDKernels.populationStandardDeviation(referenceLibrary).bitPattern,
                "\(name) \(count): standard deviation")
            let binningRadix = QuantileBinning(referenceSorted: referenceRadix, bins: 10)
            let binningLibrary = QuantileBinning(referenceSorted: referenceLibrary, bins: 10)
            // Equal edges (a zero edge may be -0.0 or 0.0, which bin alike).
            #expect(binningRadix.edges == binningLibrary.edges, "\(name) \(count): edges")
            #expect(binningRadix.counts(currentRadix) == binningLibrary.counts(current), "\(name) \(count): counts")
        }
    }
}

@Test func countsOfSortedValuesEqualTheHistogram() {
    var generator = SplitMix64(state: 5)
    for count in [0, 1, 64, 1000, 40_000] {
        let references = distributions(count: count, generator: &generator)
        let currents = distributions(count: count / 2 + 3, generator: &generator)
        for ((name, reference), (_, current)) in zip(references, currents) {
            let sortedReference = RadixSort.sorted(reference)
            for bins in [1, 2, 5, 10, 33] {
                let binning = QuantileBinning(referenceSorted: sortedReference, bins: bins)
                let sortedCurrent = RadixSort.sorted(current)
                #expect(binning.counts(sorted: sortedCurrent) == binning.counts(current), "\(name), \(bins) bins")
                #expect(binning.counts(sorted: sortedReference) == binning.counts(reference), "\(name), \(bins) bins")
            }
        }
    }
}
