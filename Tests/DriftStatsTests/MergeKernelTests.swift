@testable import DriftStats
import Testing

// The fast Kolmogorov-Smirnov and Wasserstein merges against their
// straightforward definitions (`statisticByDivision`, `distanceByDivision`),
// bit for bit, on random and adversarial samples. No fixture: the reference
// is the straightforward code, itself checked against scipy by
// KolmogorovSmirnovTests and DivergenceTests.

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

/// A sorted sample with many ties between and within the samples, signed
/// zeros, subnormals and huge magnitudes.
private func adversarialSample(count: Int, grid: Int, generator: inout SplitMix64) -> [Double] {
    (0..<count).map { _ in
        switch Int.random(in: 0..<7, using: &generator) {
        case 0: return Bool.random(using: &generator) ? -0.0 : 0.0
        case 1: return Double(Int.random(in: -grid...grid, using: &generator))
        case 2: return Double.random(in: -1e300...1e300, using: &generator)
        case 3: return Double.leastNonzeroMagnitude * Double(Int.random(in: -3...3, using: &generator))
        case 4: return Double(Int.random(in: -grid...grid, using: &generator)) / 4 + 1e300
        default: return Double(Int.random(in: -grid...grid, using: &generator)) / 4
        }
    }.sorted()
}

/// A sorted sample of `count` values drawn from a shifted, rounded normal-like
/// distribution (sums of uniforms), so that the two CDFs cross many times.
private func smoothSample(count: Int, shift: Double, generator: inout SplitMix64) -> [Double] {
    (0..<count).map { _ in
        var total = shift
        for _ in 0..<4 { total += Double.random(in: -1...1, using: &generator) }
        return (total * 1000).rounded() / 1000
    }.sorted()
}

@Test func fastKolmogorovSmirnovStatisticEqualsTheStraightforwardScan() {
    var generator = SplitMix64(state: 31)
    for _ in 0..<4000 {
        let grid = Int.random(in: 1...20, using: &generator)
        let first = adversarialSample(count: Int.random(in: 1...70, using: &generator), grid: grid, generator: &generator)
        let second = adversarialSample(count: Int.random(in: 1...70, using: &generator), grid: grid, generator: &generator)
        let fast = KolmogorovSmirnov.statistic(first, second)
        let straightforward = KolmogorovSmirnov.statisticByDivision(first, second)
        #expect(fast.bitPattern == straightforward.bitPattern, "\(first) vs \(second)")
    }
    // Equal and gcd-rich sizes, where many pooled values share one integer
    // difference and the rounded differences among them decide.
    for (n1, n2) in [(1000, 1000), (3000, 1500), (2048, 4096), (999, 1001), (7, 70_000), (50_000, 50_000)] {
        for shift in [0.0, 0.01, 0.5, 3.0, -10.0] {
            let first = smoothSample(count: n1, shift: 0, generator: &generator)
            let second = smoothSample(count: n2, shift: shift, generator: &generator)
            let fast = KolmogorovSmirnov.statistic(first, second)
            let straightforward = KolmogorovSmirnov.statisticByDivision(first, second)
            #expect(fast.bitPattern == straightforward.bitPattern, "\(n1) vs \(n2), shift \(shift)")
            let swapped = KolmogorovSmirnov.statistic(second, first)
            #expect(swapped.bitPattern == KolmogorovSmirnov.statisticByDivision(second, first).bitPattern)
        }
    }
}

@Test func fastWassersteinEqualsTheStraightforwardMerge() {
    var generator = SplitMix64(state: 37)
    for _ in 0..<4000 {
        let grid = Int.random(in: 1...20, using: &generator)
        let first = adversarialSample(count: Int.random(in: 1...70, using: &generator), grid: grid, generator: &generator)
        let second = adversarialSample(count: Int.random(in: 1...70, using: &generator), grid: grid, generator: &generator)
        let fast = Wasserstein.distance(sortedU: first, sortedV: second)
        let straightforward = Wasserstein.distanceByDivision(sortedU: first, sortedV: second)
        #expect(fast?.bitPattern == straightforward?.bitPattern, "\(first) vs \(second)")
    }
    for (n1, n2) in [(1000, 1000), (3000, 1500), (999, 1001), (7, 70_000), (50_000, 50_000)] {
        for shift in [0.0, 0.01, 3.0, -10.0] {
            let first = smoothSample(count: n1, shift: 0, generator: &generator)
            let second = smoothSample(count: n2, shift: shift, generator: &generator)
            let fast = Wasserstein.distance(sortedU: first, sortedV: second)
            let straightforward = Wasserstein.distanceByDivision(sortedU: first, sortedV: second)
            #expect(fast?.bitPattern == straightforward?.bitPattern, "\(n1) vs \(n2), shift \(shift)")
        }
    }
    #expect(Wasserstein.distance(sortedU: [], sortedV: [1]) == nil)
    #expect(Wasserstein.distance(sortedU: [2], sortedV: []) == nil)
}
