import DriftRetrain
import Foundation
import Glibc
import Testing

@Suite("CandidateCheck")
struct CandidateCheckTests {
    /// A workdir holding `metrics` as metrics.json.
    private func workdir(metricsJSON: String?) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        if let metricsJSON { try folder.write("metrics.json", metricsJSON) }
        return folder
    }

    private func reason(_ verdict: CandidateCheck.Verdict) -> String? {
        if case .loss(let reason, _) = verdict { return reason }
        return nil
    }

    @Test(arguments: [true, false])
    func strictlyBetterCandidateWins(lowerIsBetter: Bool) throws {
        let production = 0.5
        let step = 0.01
        let candidate = lowerIsBetter ? production - step : production + step
        let folder = try workdir(metricsJSON: #"{"m": \#(candidate), "other": 3}"#)
        defer { folder.remove() }
        let check = CandidateCheck(metric: "m", lowerIsBetter: lowerIsBetter, productionValue: production)
        #expect(check.judge(workdir: folder.path) == .win(value: candidate, metrics: ["m": candidate, "other": 3]))
    }

    @Test(arguments: [true, false])
    func equalOrWorseCandidateLoses(lowerIsBetter: Bool) throws {
        let production = 0.5
        for candidate in [production, lowerIsBetter ? production + 0.1 : production - 0.1] {
            let folder = try workdir(metricsJSON: #"{"m": \#(candidate)}"#)
            defer { folder.remove() }
            let check = CandidateCheck(metric: "m", lowerIsBetter: lowerIsBetter, productionValue: production)
            let word = lowerIsBetter ? "lower" : "higher"
            #expect(check.judge(workdir: folder.path)
                == .loss(reason: "m \(candidate) is not \(word) than production's \(production)", metrics: ["m": candidate]))
        }
    }

    @Test(arguments: [true, false])
    func candidateMustBeatProductionByMoreThanMinImprovement(lowerIsBetter: Bool) throws {
        let production = 0.5
        let minImprovement = 0.05
        let sign = lowerIsBetter ? -1.0 : 1.0
        let needed = production + sign * minImprovement
        let tooSmall = production + sign * minImprovement / 2
        let enough = production + sign * minImprovement * 2
        let check = CandidateCheck(metric: "m", lowerIsBetter: lowerIsBetter, productionValue: production, minImprovement: minImprovement)

        let small = try workdir(metricsJSON: #"{"m": \#(tooSmall)}"#)
        defer { small.remove() }
        let expected = "m \(tooSmall) does not improve on production's \(production) by more than min_improvement \(minImprovement) (it must be \(lowerIsBetter ? "<" : ">") \(needed))"
        #expect(check.judge(workdir: small.path) == .loss(reason: expected, metrics: ["m": tooSmall]))

        let big = try workdir(metricsJSON: #"{"m": \#(enough)}"#)
        defer { big.remove() }
        #expect(check.judge(workdir: big.path) == .win(value: enough, metrics: ["m": enough]))
    }

    @Test func boundsApplyEvenWhenBetterThanProduction() throws {
        let production = 0.6
        let minimum = 0.7
        let maximum = 0.95
        let check = CandidateCheck(metric: "auc", lowerIsBetter: false, productionValue: production, min: minimum, max: maximum)
        let low = 0.65
        let high = 0.99
        let inside = 0.8
        for (value, expected) in [
            (low, CandidateCheck.Verdict.loss(reason: "auc \(low) is below the rule's min \(minimum)", metrics: ["auc": low])),
            (high, .loss(reason: "auc \(high) is above the rule's max \(maximum)", metrics: ["auc": high])),
            (inside, .win(value: inside, metrics: ["auc": inside])),
        ] {
            let folder = try workdir(metricsJSON: #"{"auc": \#(value)}"#)
            defer { folder.remove() }
            #expect(check.judge(workdir: folder.path) == expected)
        }
    }

    @Test func withoutProductionValueOnlyBoundsApply() throws {
        let value = 123.0
        let folder = try workdir(metricsJSON: #"{"rmse": \#(value)}"#)
        defer { folder.remove() }
        #expect(CandidateCheck(metric: "rmse", lowerIsBetter: true, productionValue: nil).judge(workdir: folder.path)
            == .win(value: value, metrics: ["rmse": value]))
        let bounded = CandidateCheck(metric: "rmse", lowerIsBetter: true, productionValue: nil, max: value - 1)
        #expect(reason(bounded.judge(workdir: folder.path)) == "rmse \(value) is above the rule's max \(value - 1)")
    }

    @Test func missingMetricsFileLoses() throws {
        let folder = try workdir(metricsJSON: nil)
        defer { folder.remove() }
        let verdict = CandidateCheck(metric: "rmse", lowerIsBetter: true, productionValue: 1).judge(workdir: folder.path)
        #expect(verdict == .loss(reason: "the command left no metrics.json in its workdir (\(folder.path)/metrics.json)", metrics: nil))
    }

    @Test(arguments: [
        ("not json", "invalid literal, expected 'null' at line 1, column 1"),
        ("[1, 2]", "the file holds an array, not an object"),
        (#"{"rmse": 0.1"#, "unexpected end of file, expected ',' or '}' at line 1, column 13"),
        (#"{"rmse": NaN}"#, "unexpected 'N', expected a value at line 1, column 10"),
        (#"{"rmse": "0.1"}"#, #"the value of "rmse" is a string, not a number, at line 1, column 2"#),
        (#"{"rmse": {"v": 0.1}}"#, #"the value of "rmse" is an object, not a number"#),
        (#"{"rmse": [0.1]}"#, #"the value of "rmse" is an array, not a number"#),
        (#"{"rmse": null}"#, #"the value of "rmse" is null, not a number"#),
        (#"{"rmse": 1e999}"#, "number 1e999 is out of range"),
        ("{\"rmse\": 0.1,\n \"rmse\": 0.2}", #""rmse" appears twice, at line 2, column 2"#),
        (#"{"rmse": 0.1} trailing"#, "expected the end of the file after the JSON value"),
    ])
    func invalidMetricsFileLosesSayingWhy(json: String, expectedFragment: String) throws {
        let folder = try workdir(metricsJSON: json)
        defer { folder.remove() }
        let verdict = CandidateCheck(metric: "rmse", lowerIsBetter: true, productionValue: 1).judge(workdir: folder.path)
        let text = try #require(reason(verdict))
        #expect(text.hasPrefix("\(folder.path)/metrics.json is not a JSON object of metric names to numbers: "))
        #expect(text.contains(expectedFragment), "\(text)")
        guard case .loss(_, nil) = verdict else {
            Issue.record("an unreadable file has no metrics: \(verdict)")
            return
        }
    }

    @Test func metricMissingFromTheFileLoses() throws {
        let folder = try workdir(metricsJSON: #"{"mae": 0.2, "r2": 0.9}"#)
        defer { folder.remove() }
        let verdict = CandidateCheck(metric: "rmse", lowerIsBetter: true, productionValue: 1).judge(workdir: folder.path)
        #expect(verdict == .loss(reason: #"metrics.json has no "rmse" (it has: mae, r2)"#, metrics: ["mae": 0.2, "r2": 0.9]))
    }

    @Test func symlinkedMetricsFileLoses() throws {
        let folder = try workdir(metricsJSON: nil)
        defer { folder.remove() }
        try folder.write("elsewhere.json", #"{"rmse": 0.1}"#)
        #expect(symlink(folder.path + "/elsewhere.json", folder.path + "/metrics.json") == 0)
        let verdict = CandidateCheck(metric: "rmse", lowerIsBetter: true, productionValue: 1).judge(workdir: folder.path)
        #expect(verdict == .loss(reason: "\(folder.path)/metrics.json is a symbolic link; metrics.json must be a regular file", metrics: nil))
    }

    @Test func metricsFileOverOneMebibyteLoses() throws {
        let limit = 1 << 20
        let padding = String(repeating: " ", count: limit)
        let folder = try workdir(metricsJSON: #"{"rmse": 0.1}"# + padding)
        defer { folder.remove() }
        let verdict = CandidateCheck(metric: "rmse", lowerIsBetter: true, productionValue: 1).judge(workdir: folder.path)
        let size = limit + #"{"rmse": 0.1}"#.utf8.count
        #expect(reason(verdict) == "\(folder.path)/metrics.json is \(size) bytes, more than the \(limit) allowed")
    }

    @Test func escapedNamesAndExponentsAreRead() throws {
        let folder = try workdir(metricsJSON: "{\n \"log\\u005floss\" : -1.5E-2 ,\"a\\\"b\": 0 }\n")
        defer { folder.remove() }
        let verdict = CandidateCheck(metric: "log_loss", lowerIsBetter: true, productionValue: nil).judge(workdir: folder.path)
        #expect(verdict == .win(value: -1.5e-2, metrics: ["log_loss": -1.5e-2, "a\"b": 0]))
    }
}
