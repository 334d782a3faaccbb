import DriftStats
import Foundation
import Testing

/// Compares `ClassificationMetrics` with scikit-learn 1.9.1 on the cases in
/// `Tests/Fixtures/metrics.json`, written by `scripts/fixtures/gen_metrics.py`.
struct ClassificationMetricsTests {
    private struct MulticlassCase: Decodable {
        let name: String
        let truth: [Int32]
        let predicted: [Int32]
        let accuracy: Double?
        let macroPrecision: Double?
        let macroRecall: Double?
        let macroF1: Double?

        enum CodingKeys: String, CodingKey {
            case name, truth, predicted, accuracy
            case macroPrecision = "macro_precision", macroRecall = "macro_recall", macroF1 = "macro_f1"
        }
    }

    private struct BinaryCase: Decodable {
        let name: String
        let truth: [Bool]
        let predicted: [Bool]
        let precision: Double?
        let recall: Double?
        let f1: Double?
    }

    private struct ScoreCase: Decodable {
        let name: String
        let truth: [Bool]
        let score: [Double]
        let rocAUC: Double?
        let logLoss: Double?

        enum CodingKeys: String, CodingKey {
            case name, truth, score
            case rocAUC = "roc_auc", logLoss = "log_loss"
        }
    }

    private struct Fixture: Decodable {
        let multiclass: [MulticlassCase]
        let binary: [BinaryCase]
        let scores: [ScoreCase]
    }

    /// Decoded with `JSONDecoder`, which parses doubles exactly; on Linux
    /// `JSONSerialization` returns long numbers as `NSDecimalNumber`, whose
    /// `doubleValue` can be off by one ulp.
    private static func loadFixture() throws -> Fixture {
        return try FixtureSupport.load(Fixture.self, named: "metrics.json")
    }

    @Test func accuracyMatchesScikitLearn() throws {
        let cases = try Self.loadFixture().multiclass
        #expect(cases.count > 10)
        for testCase in cases {
            FixtureSupport.expectAgreement(
                ClassificationMetrics.accuracy(truth: testCase.truth, predicted: testCase.predicted),
                testCase.accuracy, "accuracy, \(testCase.name)"
            )
        }
    }

    @Test func macroScoresMatchScikitLearnOverLabelsInTruthOrPredictions() throws {
        for testCase in try Self.loadFixture().multiclass {
            FixtureSupport.expectAgreement(
                ClassificationMetrics.macroPrecision(truth: testCase.truth, predicted: testCase.predicted),
                testCase.macroPrecision, "macro precision, \(testCase.name)"
            )
            FixtureSupport.expectAgreement(
                ClassificationMetrics.macroRecall(truth: testCase.truth, predicted: testCase.predicted),
                testCase.macroRecall, "macro recall, \(testCase.name)"
            )
            FixtureSupport.expectAgreement(
                ClassificationMetrics.macroF1(truth: testCase.truth, predicted: testCase.predicted),
                testCase.macroF1, "macro f1, \(testCase.name)"
            )
        }
    }

    @Test func binaryScoresMatchScikitLearnIncludingZeroDivision() throws {
        let cases = try Self.loadFixture().binary
        #expect(cases.count > 10)
        for testCase in cases {
            FixtureSupport.expectAgreement(
                ClassificationMetrics.binaryPrecision(truth: testCase.truth, predicted: testCase.predicted),
                testCase.precision, "precision, \(testCase.name)"
            )
            FixtureSupport.expectAgreement(
                ClassificationMetrics.binaryRecall(truth: testCase.truth, predicted: testCase.predicted),
                testCase.recall, "recall, \(testCase.name)"
            )
            FixtureSupport.expectAgreement(
                ClassificationMetrics.binaryF1(truth: testCase.truth, predicted: testCase.predicted),
                testCase.f1, "f1, \(testCase.name)"
            )
        }
    }

    @Test func rocAUCMatchesScikitLearnWithTiesAndNilForOneClass() throws {
        let cases = try Self.loadFixture().scores
        #expect(cases.count > 10)
        for testCase in cases {
            FixtureSupport.expectAgreement(
                ClassificationMetrics.rocAUC(truth: testCase.truth, score: testCase.score),
                testCase.rocAUC, "roc_auc, \(testCase.name)"
            )
        }
    }

    @Test func logLossMatchesScikitLearnIncludingClipping() throws {
        for testCase in try Self.loadFixture().scores {
            FixtureSupport.expectAgreement(
                ClassificationMetrics.logLoss(truth: testCase.truth, score: testCase.score),
                testCase.logLoss, "log_loss, \(testCase.name)"
            )
        }
    }

    @Test func emptyInputGivesNil() {
        #expect(ClassificationMetrics.accuracy(truth: [], predicted: []) == nil)
        #expect(ClassificationMetrics.binaryPrecision(truth: [], predicted: []) == nil)
        #expect(ClassificationMetrics.binaryRecall(truth: [], predicted: []) == nil)
        #expect(ClassificationMetrics.binaryF1(truth: [], predicted: []) == nil)
        #expect(ClassificationMetrics.macroPrecision(truth: [], predicted: []) == nil)
        #expect(ClassificationMetrics.macroRecall(truth: [], predicted: []) == nil)
        #expect(ClassificationMetrics.macroF1(truth: [], predicted: []) == nil)
        #expect(ClassificationMetrics.rocAUC(truth: [], score: []) == nil)
        #expect(ClassificationMetrics.logLoss(truth: [], score: []) == nil)
    }

    @Test func nonFiniteOrMismatchedInputGivesNilWhereScikitLearnRaises() {
        for bad in [[0.2, .nan], [0.2, .infinity]] {
            #expect(ClassificationMetrics.rocAUC(truth: [true, false], score: bad) == nil)
            #expect(ClassificationMetrics.logLoss(truth: [true, false], score: bad) == nil)
        }
        #expect(ClassificationMetrics.accuracy(truth: [0, 1], predicted: [0]) == nil)
        #expect(ClassificationMetrics.macroF1(truth: [0, 1], predicted: [0]) == nil)
        #expect(ClassificationMetrics.binaryF1(truth: [true], predicted: [true, false]) == nil)
        #expect(ClassificationMetrics.rocAUC(truth: [true, false], score: [0.5]) == nil)
    }
}
