import DriftStats
import Foundation
import Testing

/// Compares `RegressionMetrics` with scikit-learn 1.9.1 on the cases in
/// `Tests/Fixtures/metrics.json`, written by `scripts/fixtures/gen_metrics.py`.
struct RegressionMetricsTests {
    private struct Case: Decodable {
        let name: String
        let truth: [Double]
        let predicted: [Double]
        let mae: Double?
        let rmse: Double?
        let mape: Double?
        let r2: Double?
    }

    private struct Fixture: Decodable {
        let regression: [Case]
    }

    /// Decoded with `JSONDecoder`, which parses doubles exactly; on Linux
    /// `JSONSerialization` returns long numbers as `NSDecimalNumber`, whose
    /// `doubleValue` can be off by one ulp.
    private static func loadCases() throws -> [Case] {
        return try FixtureSupport.load(Fixture.self, named: "metrics.json").regression
    }

    @Test func meanAbsoluteErrorMatchesScikitLearn() throws {
        let cases = try Self.loadCases()
        #expect(cases.count > 20)
        for testCase in cases {
            FixtureSupport.expectAgreement(
                RegressionMetrics.meanAbsoluteError(truth: testCase.truth, predicted: testCase.predicted),
                testCase.mae, "mae, \(testCase.name)"
            )
        }
    }

    @Test func rootMeanSquaredErrorMatchesScikitLearn() throws {
        for testCase in try Self.loadCases() {
            FixtureSupport.expectAgreement(
                RegressionMetrics.rootMeanSquaredError(truth: testCase.truth, predicted: testCase.predicted),
                testCase.rmse, "rmse, \(testCase.name)"
            )
        }
    }

    @Test func meanAbsolutePercentageErrorMatchesScikitLearnIncludingZeroTruth() throws {
        for testCase in try Self.loadCases() {
            FixtureSupport.expectAgreement(
                RegressionMetrics.meanAbsolutePercentageError(truth: testCase.truth, predicted: testCase.predicted),
                testCase.mape, "mape, \(testCase.name)"
            )
        }
    }

    @Test func r2MatchesScikitLearnIncludingConstantTruth() throws {
        for testCase in try Self.loadCases() {
            FixtureSupport.expectAgreement(
                RegressionMetrics.r2(truth: testCase.truth, predicted: testCase.predicted),
                testCase.r2, "r2, \(testCase.name)"
            )
        }
    }

    @Test func emptyInputGivesNil() {
        #expect(RegressionMetrics.meanAbsoluteError(truth: [], predicted: []) == nil)
        #expect(RegressionMetrics.rootMeanSquaredError(truth: [], predicted: []) == nil)
        #expect(RegressionMetrics.meanAbsolutePercentageError(truth: [], predicted: []) == nil)
        #expect(RegressionMetrics.r2(truth: [], predicted: []) == nil)
    }

    @Test func nonFiniteOrMismatchedInputGivesNilWhereScikitLearnRaises() {
        let finite = [1.0, 2.0, 3.0]
        for bad in [[1.0, .nan, 3.0], [1.0, .infinity, 3.0], [-.infinity, 2.0, 3.0]] {
            #expect(RegressionMetrics.meanAbsoluteError(truth: bad, predicted: finite) == nil)
            #expect(RegressionMetrics.rootMeanSquaredError(truth: finite, predicted: bad) == nil)
            #expect(RegressionMetrics.meanAbsolutePercentageError(truth: bad, predicted: finite) == nil)
            #expect(RegressionMetrics.r2(truth: finite, predicted: bad) == nil)
        }
        #expect(RegressionMetrics.meanAbsoluteError(truth: finite, predicted: [1.0, 2.0]) == nil)
        #expect(RegressionMetrics.r2(truth: finite, predicted: [1.0, 2.0]) == nil)
    }
}
