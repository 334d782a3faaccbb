import DriftStats
import Foundation
import Testing

// Fixture: Tests/Fixtures/divergence.json, written by
// scripts/fixtures/gen_divergence.py (numpy 2.4.6, scipy 1.17.1).

/// The parts of the fixture these tests use. Decoded with JSONDecoder, which
/// parses every double exactly (JSONSerialization on Linux returns some
/// 17-digit numbers as NSDecimalNumber, whose doubleValue is off by ulps).
private struct Fixture: Decodable {
    struct QuantileCase: Decodable {
        let name: String
        let data: [Double]
        let q: [Double]
        let values: [Double]
    }
    struct GammaCase: Decodable {
        let a: Double
        let x: Double
        let q: Double
    }
    struct MomentCase: Decodable {
        let data: [Double]
        let sum: Double
        let std: Double
    }
    let quantiles: [QuantileCase]
    let gammaincc: [GammaCase]
    let moments: [MomentCase]
}

private func loadFixture() throws -> Fixture {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/divergence.json")
    return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
}

/// A deterministic generator (SplitMix64) so that property tests are reproducible.
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

/// The scalar definition of a value's bin: the number of edges strictly below it.
private func scalarBin(_ value: Double, _ edges: [Double]) -> Int {
    var below = 0
    for edge in edges where edge < value {
        below += 1
    }
    return below
}

/// Random finite values of which many are exactly an edge, or a signed zero.
private func valuesHittingEdges(count: Int, edges: [Double], generator: inout SplitMix64) -> [Double] {
    (0..<count).map { _ in
        switch Int.random(in: 0..<10, using: &generator) {
        case 0...3 where !edges.isEmpty:
            return edges.randomElement(using: &generator)!
        case 4:
            return Bool.random(using: &generator) ? -0.0 : 0.0
        case 5 where !edges.isEmpty:
            return edges.randomElement(using: &generator)!.nextUp
        case 6 where !edges.isEmpty:
            return edges.randomElement(using: &generator)!.nextDown
        case 7:
            return Double.random(in: -1e300...1e300, using: &generator)
        default:
            return Double.random(in: -12...12, using: &generator)
        }
    }
}

private func edgeSet(count: Int, generator: inout SplitMix64) -> [Double] {
    var edges = Set<Double>()
    if count > 2 {
        edges.insert(0.0)
    }
    while edges.count < count {
        // Values on a grid of eighths, so that some values equal edges by construction.
        edges.insert(Double(Int.random(in: -80...80, using: &generator)) / 8)
        if count > 160 {
            edges.insert(Double.random(in: -11...11, using: &generator))
        }
    }
    return edges.sorted()
}

@Test func quantileMatchesNumpyBitForBit() throws {
    let fixture = try loadFixture()
    for item in fixture.quantiles {
        let sorted = item.data.sorted()
        for (q, value) in zip(item.q, item.values) {
            let actual = Quantile.linear(sorted: sorted, q: q)
            // Bit for bit, except the sign of a zero: which of -0.0 and 0.0 numpy's
            // partition puts first among equal values is not specified.
            #expect(
                actual.bitPattern == value.bitPattern || (actual == 0 && value == 0),
                "\(item.name) q=\(q): \(actual) != numpy \(value)"
            )
        }
    }
}

@Test func quantileAtTheEndsIsTheMinimumAndMaximum() {
    let sorted = [-3.5, -1.0, 0.0, 2.0, 9.25]
    #expect(Quantile.linear(sorted: sorted, q: 0) == -3.5)
    #expect(Quantile.linear(sorted: sorted, q: 1) == 9.25)
    #expect(Quantile.linear(sorted: [4.0], q: 0.3) == 4.0)
}

@Test func incompleteGammaMatchesScipyGammaincc() throws {
    let fixture = try loadFixture()
    var worst = 0.0
    for item in fixture.gammaincc {
        let (a, x, expected) = (item.a, item.x, item.q)
        let actual = IncompleteGamma.regularizedUpper(a: a, x: x)
        let error = abs(actual - expected)
        let relative = expected == 0 ? error : error / abs(expected)
        worst = max(worst, relative)
        #expect(
            error <= 1e-14 * abs(expected) || (expected == 0 && actual < 1e-300),
            "gammaincc(\(a), \(x)) = \(actual), scipy \(expected)"
        )
    }
    #expect(worst <= 1e-14)
}

@Test func incompleteGammaSpecialValuesFollowScipy() {
    #expect(IncompleteGamma.regularizedUpper(a: 2, x: 0) == 1)
    #expect(IncompleteGamma.regularizedUpper(a: 0, x: 3) == 0)
    #expect(IncompleteGamma.regularizedUpper(a: 0, x: 0).isNaN)
    #expect(IncompleteGamma.regularizedUpper(a: -1, x: 3).isNaN)
    #expect(IncompleteGamma.regularizedUpper(a: 2, x: -1).isNaN)
    #expect(IncompleteGamma.regularizedUpper(a: 2, x: .infinity) == 0)
    #expect(IncompleteGamma.regularizedUpper(a: .infinity, x: 5) == 1)
    #expect(IncompleteGamma.regularizedUpper(a: .nan, x: 5).isNaN)
}

@Test func incompleteGammaLowerAndUpperAddUpToOne() {
    for a in [0.5, 1.0, 3.5, 25.0, 150.0, 1200.0] {
        for factor in [0.2, 0.9, 1.0, 1.1, 3.0] {
            let x = a * factor
            let total = IncompleteGamma.regularizedLower(a: a, x: x) + IncompleteGamma.regularizedUpper(a: a, x: x)
            #expect(abs(total - 1) <= 1e-14, "P + Q at a=\(a), x=\(x)")
        }
    }
}

@Test func sumAndStandardDeviationMatchNumpyBitForBit() throws {
    let fixture = try loadFixture()
    for item in fixture.moments {
        let (data, sum, std) = (item.data, item.sum, item.std)
        #expect(SIMDKernels.sum(data).bitPattern == sum.bitPattern, "sum of \(data.count) values")
        #expect(
            SIMDKernels.populationStandardDeviation(data).bitPattern == std.bitPattern,
            "std of \(data.count) values"
        )
    }
}

@Test func sumOfNothingIsZeroAndStandardDeviationOfNothingIsNaN() {
    #expect(SIMDKernels.sum([]) == 0)
    #expect(SIMDKernels.populationStandardDeviation([]).isNaN)
    #expect(SIMDKernels.populationStandardDeviation([4.0, 4.0, 4.0]) == 0)
}

@Test func extremesMatchAScalarScan() {
    var generator = SplitMix64(state: 7)
    for count in [1, 5, 8, 9, 64, 1001] {
        let values = (0..<count).map { _ in Double.random(in: -1e6...1e6, using: &generator) }
        let extremes = SIMDKernels.extremes(values)
        #expect(extremes?.minimum == values.min())
        #expect(extremes?.maximum == values.max())
    }
    #expect(SIMDKernels.extremes([]) == nil)
    let withNaN = (0..<20).map { Double($0) } + [.nan] + [3.0]
    #expect(SIMDKernels.extremes(withNaN)?.minimum.isNaN == true)
    #expect(SIMDKernels.extremes(withNaN)?.maximum.isNaN == true)
}

@Test func simdHistogramEqualsTheScalarDefinitionOnManyEdgeHits() {
    var generator = SplitMix64(state: 20_261_122)
    for edgeCount in [0, 1, 2, 9, 19, 47, 99, 255, 256, 1000] {
        let edges = edgeSet(count: edgeCount, generator: &generator)
        // 100k values (not a multiple of 8, so the scalar tail runs too);
        // fewer for the binary-search path, whose scalar reference is slow.
        let values = valuesHittingEdges(
            count: edgeCount < 256 ? 100_003 : 20_003, edges: edges, generator: &generator
        )
        var expected = [Int](repeating: 0, count: edges.count + 1)
        for value in values {
            expected[scalarBin(value, edges)] += 1
        }
        #expect(SIMDKernels.histogram(values, edges: edges) == expected, "\(edgeCount) edges")
        let binning = QuantileBinning(edges: edges)
        #expect(binning.counts(values) == expected)
        for value in values.prefix(5000) {
            #expect(binning.bin(of: value) == scalarBin(value, edges))
        }
    }
}

@Test func histogramPutsNaNInTheLastBinAsNumpySearchsortedDoes() {
    let edges = [1.0, 2.0, 3.0]
    let values = [0.5, .nan, 2.0, 2.5] + [Double](repeating: .nan, count: 9)
    #expect(SIMDKernels.histogram(values, edges: edges) == [1, 1, 1, 10])
    #expect(QuantileBinning(edges: edges).bin(of: .nan) == 3)
}

@Test func quantileBinningRemovesDuplicateEdgesAndRoundTripsThroughCodable() throws {
    let dominant = ([Double](repeating: 1.5, count: 70) + (0..<30).map { Double($0) / 10 }).sorted()
    let binning = QuantileBinning(referenceSorted: dominant, bins: 10)
    #expect(binning.edges == Array(Set(binning.edges)).sorted())
    #expect(binning.binCount == binning.edges.count + 1)
    #expect(binning.binCount < 10)
    let encoded = try JSONEncoder().encode(binning)
    #expect(try JSONDecoder().decode(QuantileBinning.self, from: encoded) == binning)
    let unsorted = try JSONDecoder().decode(QuantileBinning.self, from: Data(#"{"edges":[3,1,2,1]}"#.utf8))
    #expect(unsorted.edges == [1, 2, 3])
}

@Test func emptyReferenceOrOneBinGivesNoEdges() {
    #expect(QuantileBinning(referenceSorted: [], bins: 10).edges.isEmpty)
    #expect(QuantileBinning(referenceSorted: [1, 2, 3], bins: 1).edges.isEmpty)
    #expect(QuantileBinning(referenceSorted: [], bins: 10).counts([1, 2, 3]) == [3])
}
