import Foundation
import Testing

/// The HTML report of `replay --html`: a self-contained page with the expected elements, rendered by
/// a real headless Chromium (Debian's `chromium`, installed by .ci/run) into a non-blank picture.
@Suite(.serialized) struct HTMLReportTests {
    static let chromium = "/usr/bin/chromium"

    /// Runs a program, returns its standard output.
    static func run(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func replayWritesASelfContainedPageThatChromiumRenders() throws {
        let folder = try DriftdProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = folder.appendingPathComponent("taxi.html")
        let result = try DriftdProcess.run(["replay", "rules/taxi-duration.json", "--report", folder.appendingPathComponent("taxi.json").path,
                                            "--html", html.path, "--quiet"], in: DriftdProcess.repository.path)
        #expect(result.status == 0, "\(result.standardError)")
        let page = try String(contentsOf: html, encoding: .utf8)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("taxi.json"))) as? [String: Any])
        let windows = try #require(report["windows"] as? [[String: Any]])
        #expect(page.hasPrefix("<!doctype html>"))
        // Self-contained: no script, no external reference of any kind.
        for forbidden in ["<script", "src=", "href=", "url(", "@import"] {
            #expect(!page.contains(forbidden), "the page holds \(forbidden)")
        }
        // One timeline per drift test, one point per window on each; a histogram per feature.
        let tests = [("trip_distance", "psi"), ("trip_distance", "ks"), ("PULocationID", "chi2"), ("fare_amount", "wasserstein")]
        for (feature, method) in tests {
            let marker = "<svg class=\"timeline drift\" data-feature=\"\(feature)\" data-method=\"\(method)\""
            let start = try #require(page.range(of: marker), "no timeline for \(feature) \(method)")
            let chart = String(page[start.lowerBound...]).components(separatedBy: "</svg>")[0]
            #expect(Self.count("<circle", in: chart) == windows.count, "\(feature) \(method)")
        }
        for feature in ["trip_distance", "passenger_count", "pickup_hour", "PULocationID", "payment_type", "fare_amount"] {
            #expect(page.contains("<svg class=\"histogram\" data-feature=\"\(feature)\""), "no histogram for \(feature)")
        }
        #expect(page.contains("<svg class=\"timeline performance\" data-metric=\"rmse\""))
        // The drifted windows are drawn red: as many breaching points as the report has drift outcomes.
        var drifts = 0
        for window in windows {
            for (_, feature) in window["features"] as? [String: [String: Any]] ?? [:] {
                for (_, outcome) in feature where (outcome as? [String: Any])?["drift"] as? Bool == true { drifts += 1 }
            }
        }
        let breachedFeaturePoints = page.components(separatedBy: "<svg class=\"timeline drift\"").dropFirst()
            .map { Self.count("class=\"point breached\"", in: String($0.split(separator: "</svg>", maxSplits: 1)[0])) }.reduce(0, +)
        #expect(drifts > 0 && breachedFeaturePoints == drifts, "\(breachedFeaturePoints) red points, \(drifts) drifts")
        #expect(page.contains("<table id=\"alert-list\">") && page.contains("performance_degraded"))
        #expect(page.contains("concept drift: abs-error-adwin"), "the ADWIN detection is marked on the timelines")

        // A real browser renders it into a picture that is not blank.
        #expect(FileManager.default.isExecutableFile(atPath: Self.chromium), "Debian's chromium is needed (.ci/run installs it)")
        let screenshot = folder.appendingPathComponent("taxi.png")
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(folder.path)/chromium"]
        _ = try Self.run(Self.chromium, flags + ["--window-size=1000,1400", "--screenshot=\(screenshot.path)", html.absoluteString])
        #expect(FileManager.default.fileExists(atPath: screenshot.path))
        let python = ProcessInfo.processInfo.environment["DRIFTD_PYTHON"] ?? "/usr/bin/python3"
        let stats = try Self.run(python, [DriftdProcess.repository.appendingPathComponent("scripts/png_stats.py").path, screenshot.path])
        let picture = try #require(try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any], "\(stats.output)")
        #expect(picture["width"] as? Int == 1000)
        #expect((picture["colors"] as? Int ?? 0) > 50, "\(picture)")
        #expect((picture["non_white"] as? Double ?? 0) > 0.03, "\(picture)")
        // Chromium's DOM of the page holds the same pictures.
        let dom = try Self.run(Self.chromium, flags + ["--dump-dom", html.absoluteString]).output
        #expect(Self.count("<svg", in: dom) == Self.count("<svg", in: page) && Self.count("<svg", in: dom) > 20)
        #expect(dom.contains("id=\"monitor\">taxi-duration<"))
    }
}
