import DriftStats
import Foundation
import Testing

// Fixture: Tests/Fixtures/divergence.json, written by
// scripts/fixtures/gen_divergence.py (numpy 2.4.6, scipy 1.17.1).

/// The parts of the fixture these tests use, decoded with JSONDecoder (exact
/// doubles; JSONSerialization on Linux is not).
private struct Fixture: Decodable {
    struct NumericalPSICase: Decodable {
        let name: String
        let bins: Int
        let reference: [Double]
        let current: [Double]
        let edges: [Double]
        let referenceCounts: [Int]
        let currentCounts: [Int]
        let psi: Double
        let jensenShannon: Double
    }
    struct CategoricalPSICase: Decodable {
        let name: String
        let referenceCounts: [Int]
        let currentCounts: [Int]
        let psi: Double
        let jensenShannon: Double
    }
    struct ChiSquareCase: Decodable {
        let name: String
        let referenceCounts: [Int]
        let currentCounts: [Int]
        let statistic: Double
        let pValue: Double
        let dof: Int
    }
    struct WassersteinCase: Decodable {
        let name: String
        let reference: [Double]
        let current: [Double]
        let distance: Double
        let referenceStd: Double
        let normalized: Double?
    }
    let psiNumerical: [NumericalPSICase]
    let psiCategorical: [CategoricalPSICase]
    let chi2: [ChiSquareCase]
    let wasserstein: [WassersteinCase]
}

private func loadFixture() throws -> Fixture {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/divergence.json")
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(Fixture.self, from: Data(contentsOf: url))
}

/// `a` and `b` agree to `tolerance` relative to the larger magnitude.
private func close(_ a: Double?, _ b: Double, relative tolerance: Double) -> Bool {
    guard let a else { return false }
    if a == b { return true }
    return abs(a - b) <= tolerance * max(abs(a), abs(b))
}

@Test func numericalPSIEdgesCountsAndValuesMatchNumpy() throws {
    for item in try loadFixture().psiNumerical {
        let name = item.name
        let binning = QuantileBinning(referenceSorted: item.reference.sorted(), bins: item.bins)
        #expect(binning.edges == item.edges, "\(name): edges")
        let referenceCounts = binning.counts(item.reference)
        let currentCounts = binning.counts(item.current)
        #expect(referenceCounts == item.referenceCounts, "\(name): reference counts")
        #expect(currentCounts == item.currentCounts, "\(name): current counts")
        let psi = PopulationStabilityIndex.value(reference: referenceCounts, current: currentCounts)
        #expect(close(psi, item.psi, relative: 1e-12), "\(name): PSI \(psi ?? .nan), numpy \(item.psi)")
        let jensenShannon = JensenShannon.distance(reference: referenceCounts, current: currentCounts)
        #expect(
            close(jensenShannon, item.jensenShannon, relative: 1e-12),
            "\(name): Jensen-Shannon \(jensenShannon ?? .nan), scipy \(item.jensenShannon)"
        )
    }
}

@Test func categoricalPSIAndJensenShannonMatchNumpyAndScipy() throws {
    for item in try loadFixture().psiCategorical {
        let name = item.name
        let psi = PopulationStabilityIndex.value(reference: item.referenceCounts, current: item.currentCounts)
        #expect(close(psi, item.psi, relative: 1e-12), "\(name): PSI \(psi ?? .nan), numpy \(item.psi)")
        let jensenShannon = JensenShannon.distance(reference: item.referenceCounts, current: item.currentCounts)
        #expect(
            close(jensenShannon, item.jensenShannon, relative: 1e-12),
            "\(name): Jensen-Shannon \(jensenShannon ?? .nan), scipy \(item.jensenShannon)"
        )
    }
}

@Test func psiFloorsOnlyProportionsOfExactlyZero() {
    // r = (0.5, 0.5, 0), c = (0.25, 0.75, 0): the empty bin contributes 0.
    let psi = PopulationStabilityIndex.value(reference: [2, 2, 0], current: [1, 3, 0])
    let expected = (0.25 - 0.5) * log(0.25 / 0.5) + (0.75 - 0.5) * log(0.75 / 0.5)
    #expect(psi == expected + 0.0)
    #expect(PopulationStabilityIndex.proportionFloor == 1e-4)
}

@Test func psiAndJensenShannonAreUndefinedWhenASideIsEmpty() {
    #expect(PopulationStabilityIndex.value(reference: [0, 0], current: [3, 4]) == nil)
    #expect(PopulationStabilityIndex.value(reference: [3, 4], current: [0, 0]) == nil)
    #expect(PopulationStabilityIndex.value(reference: [], current: []) == nil)
    #expect(JensenShannon.distance(reference: [0, 0], current: [3, 4]) == nil)
    #expect(JensenShannon.distance(reference: [3, 4], current: [0, 0]) == nil)
}

@Test func jensenShannonOfIdenticalProportionsIsZero() {
    #expect(JensenShannon.distance(reference: [10, 20, 30], current: [20, 40, 60]) == 0)
}

@Test func chiSquareMatchesScipyChi2Contingency() throws {
    for item in try loadFixture().chi2 {
        let name = item.name
        let result = try #require(
            ChiSquareTest.contingency(reference: item.referenceCounts, current: item.currentCounts), "\(name)"
        )
        #expect(result.degreesOfFreedom == item.dof, "\(name): dof")
        #expect(
            close(result.statistic, item.statistic, relative: 1e-12),
            "\(name): statistic \(result.statistic), scipy \(item.statistic)"
        )
        #expect(abs(result.pValue - item.pValue) <= 1e-12, "\(name): p-value \(result.pValue), scipy \(item.pValue)")
        #expect(
            close(result.pValue, item.pValue, relative: 1e-9),
            "\(name): p-value \(result.pValue), scipy \(item.pValue)"
        )
    }
}

@Test func chiSquareWithOneCategoryHasNoDegreesOfFreedom() {
    let result = ChiSquareTest.contingency(reference: [40], current: [7])
    #expect(result == ChiSquareResult(statistic: 0, pValue: 1, degreesOfFreedom: 0))
}

@Test func chiSquareIsUndefinedWhereScipyRaises() {
    #expect(ChiSquareTest.contingency(reference: [0, 0], current: [3, 4]) == nil)
    #expect(ChiSquareTest.contingency(reference: [3, 4], current: [0, 0]) == nil)
    #expect(ChiSquareTest.contingency(reference: [3, 0], current: [4, 0]) == nil)
    #expect(ChiSquareTest.contingency(reference: [], current: []) == nil)
    #expect(ChiSquareTest.contingency(reference: [3, -1], current: [4, 2]) == nil)
    #expect(ChiSquareTest.contingency(reference: [0], current: [5]) == nil)
}

@Test func wassersteinMatchesScipyRawAndNormalised() throws {
    for item in try loadFixture().wasserstein {
        let name = item.name
        let reference = item.reference.sorted()
        let current = item.current.sorted()
        let distance = Wasserstein.distance(sortedU: reference, sortedV: current)
        #expect(close(distance, item.distance, relative: 1e-12), "\(name): \(distance ?? .nan), scipy \(item.distance)")
        let normalized = Wasserstein.normalized(sortedReference: reference, sortedCurrent: current)
        if let expected = item.normalized {
            #expect(close(normalized, expected, relative: 1e-12), "\(name): \(normalized ?? .nan), scipy \(expected)")
        } else {
            #expect(normalized == nil, "\(name): a constant reference has no normalised distance")
        }
        let spread = SIMDKernels.populationStandardDeviation(reference)
        #expect(close(spread, item.referenceStd, relative: 1e-12), "\(name): std")
    }
}

@Test func wassersteinIsSymmetricAndUndefinedForAnEmptySample() {
    let u = [0.0, 1.0, 1.0, 3.0]
    let v = [0.5, 1.0, 2.0]
    #expect(Wasserstein.distance(sortedU: u, sortedV: v) == Wasserstein.distance(sortedU: v, sortedV: u))
    #expect(Wasserstein.distance(sortedU: [], sortedV: v) == nil)
    #expect(Wasserstein.distance(sortedU: u, sortedV: []) == nil)
    #expect(Wasserstein.normalized(sortedReference: [], sortedCurrent: v) == nil)
    #expect(Wasserstein.distance(sortedU: u, sortedV: u) == 0)
}
