import DriftStats
import Foundation
import Testing

/// Compares `KolmogorovSmirnov` and `KolmogorovDistribution` with scipy 1.17.1
/// on the cases in `Tests/Fixtures/ks.json`, written by
/// `scripts/fixtures/gen_ks.py`.
struct KolmogorovSmirnovTests {
    private struct Side: Decodable {
        let values: [Double]
        let counts: [Int]?

        /// The sample, sorted ascending (`ks_2samp` sorts its inputs).
        var sortedData: [Double] {
            var data: [Double] = []
            if let counts {
                data.reserveCapacity(counts.reduce(0, +))
                for (value, count) in zip(values, counts) {
                    data.append(contentsOf: repeatElement(value, count: count))
                }
            } else {
                data = values
            }
            data.sort()
            return data
        }
    }

    private struct TwoSampleCase: Decodable {
        let name: String
        let reference: Side
        let current: Side
        let statistic: Double
        let pvalue: Double
        let method: String
    }

    private struct SurvivalCase: Decodable {
        let n: Int
        let x: Double
        let sf: Double
        let regime: String
    }

    private struct Fixture: Decodable {
        let twoSample: [TwoSampleCase]
        let kstwoSf: [SurvivalCase]

        enum CodingKeys: String, CodingKey {
            case twoSample = "two_sample"
            case kstwoSf = "kstwo_sf"
        }
    }

    /// Decoded with `JSONDecoder`, which parses doubles exactly.
    private static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Fixtures/ks.json")
        do {
            return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot load \(url.path): \(error)")
        }
    }()

    /// `|actual - expected| <= 1e-9`, and for a p-value below `1e-3` also a
    /// relative difference of at most `1e-9` (tiny p-values are compared by
    /// their digits, not only by their distance to 0).
    private static func agrees(_ actual: Double, _ expected: Double) -> Bool {
        if actual == expected { return true }
        let difference = abs(actual - expected)
        guard difference <= 1e-9 else { return false }
        if expected < 1e-3 {
            return difference <= 1e-9 * abs(expected)
        }
        return true
    }

    @Test func twoSampleStatisticPValueAndMethodMatchScipy() {
        let cases = Self.fixture.twoSample
        #expect(cases.count >= 80)
        var bitExact = 0
        for testCase in cases {
            let reference = testCase.reference.sortedData
            let current = testCase.current.sortedData
            guard let result = KolmogorovSmirnov.twoSample(sortedReference: reference, sortedCurrent: current) else {
                Issue.record("\(testCase.name): nil result")
                continue
            }
            #expect(
                abs(result.statistic - testCase.statistic) <= 1e-12,
                "\(testCase.name): statistic \(result.statistic) != \(testCase.statistic)")
            #expect(
                Self.agrees(result.pValue, testCase.pvalue),
                "\(testCase.name): p-value \(result.pValue) != \(testCase.pvalue)")
            #expect(
                result.method.rawValue == testCase.method,
                "\(testCase.name): method \(result.method) != \(testCase.method)")
            if result.statistic == testCase.statistic && result.pValue == testCase.pvalue {
                bitExact += 1
            }
        }
        // Every two-sample case is reproduced to the last bit.
        #expect(bitExact == cases.count, "bit-exact: \(bitExact) of \(cases.count)")
    }

    @Test func swappingTheSamplesKeepsTheResult() {
        for testCase in Self.fixture.twoSample where testCase.reference.values.count < 5000 {
            let reference = testCase.reference.sortedData
            let current = testCase.current.sortedData
            let forward = KolmogorovSmirnov.twoSample(sortedReference: reference, sortedCurrent: current)
            let backward = KolmogorovSmirnov.twoSample(sortedReference: current, sortedCurrent: reference)
            #expect(forward == backward, "\(testCase.name)")
        }
    }

    @Test func emptySamplesGiveNoResult() {
        #expect(KolmogorovSmirnov.twoSample(sortedReference: [], sortedCurrent: [1]) == nil)
        #expect(KolmogorovSmirnov.twoSample(sortedReference: [1], sortedCurrent: []) == nil)
        #expect(KolmogorovSmirnov.twoSample(sortedReference: [], sortedCurrent: []) == nil)
    }

    @Test func identicalSamplesHaveStatisticZeroAndPValueOne() {
        let sample = [0.5, 1.5, 1.5, 2.0, 7.25]
        let result = KolmogorovSmirnov.twoSample(sortedReference: sample, sortedCurrent: sample)
        #expect(result == KolmogorovSmirnovResult(statistic: 0, pValue: 1, method: .exact))
    }

    @Test func kolmogorovSurvivalMatchesScipyInEveryRegime() {
        let cases = Self.fixture.kstwoSf
        var regimes = Set<String>()
        var bitExact = 0
        for testCase in cases {
            regimes.insert(testCase.regime)
            let actual = KolmogorovDistribution.survival(n: testCase.n, x: testCase.x)
            #expect(
                Self.agrees(actual, testCase.sf),
                "kstwo.sf(\(testCase.x), \(testCase.n)) [\(testCase.regime)]: \(actual) != \(testCase.sf)")
            if actual == testCase.sf { bitExact += 1 }
        }
        #expect(regimes.count == 14, "regimes covered: \(regimes.sorted())")
        // Every point is reproduced to the last bit (see KolmogorovDistribution
        // for the one case where that is not guaranteed).
        #expect(bitExact == cases.count, "bit-exact: \(bitExact) of \(cases.count)")
    }

    @Test func kolmogorovSurvivalOutsideTheSupport() {
        #expect(KolmogorovDistribution.survival(n: 10, x: 0.05) == 1)
        #expect(KolmogorovDistribution.survival(n: 10, x: 1) == 0)
        #expect(KolmogorovDistribution.survival(n: 10, x: 3) == 0)
        #expect(KolmogorovDistribution.survival(n: 0, x: 0.5).isNaN)
        #expect(KolmogorovDistribution.survival(n: 10, x: .nan).isNaN)
    }
}
