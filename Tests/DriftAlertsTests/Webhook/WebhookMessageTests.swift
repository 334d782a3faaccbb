import Foundation
import Testing
@testable import DriftAlerts
@testable import DriftEngine

struct WebhookMessageTests {
    static func notification(_ alert: Alert = SampleAlerts.dataDrift(), status: AlertNotification.Status = .firing) -> AlertNotification {
        AlertNotification(alert: alert, status: status, fingerprint: AlertFingerprint.of(alert), id: "0123456789abcdef",
                          startsAt: 1_700_000_000.25, at: 1_700_000_600.5)
    }

    static func object(_ bytes: [UInt8]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(bytes))
    }

    @Test func genericBodyIsTheReportAlertObjectWithIdStatusAndTimes() throws {
        let body = try #require(try Self.object(WebhookMessage.body(Self.notification(), format: .generic)) as? [String: Any])
        #expect(body["id"] as? String == "0123456789abcdef")
        #expect(body["kind"] as? String == "data_drift")
        #expect(body["severity"] as? String == "warning")
        #expect(body["window"] as? Int == 12)
        #expect(body["feature"] as? String == "trip_distance")
        // Exact, as in the report (Foundation's JSON parser on Linux rounds it: compare the text).
        #expect(String(decoding: WebhookMessage.body(Self.notification(), format: .generic), as: UTF8.self).contains(#""value":0.30000000000000004"#))
        #expect(body["status"] as? String == "firing")
        #expect(body["fingerprint"] as? String == AlertFingerprint.of(SampleAlerts.dataDrift()))
        #expect(body["starts_at"] as? String == "2023-11-14T22:13:20.250Z")
        #expect(body["ends_at"] == nil)
        let resolved = try #require(try Self.object(WebhookMessage.body(Self.notification(status: .resolved), format: .generic)) as? [String: Any])
        #expect(resolved["status"] as? String == "resolved")
        #expect(resolved["ends_at"] as? String == "2023-11-14T22:23:20.500Z")
    }

    @Test func alertmanagerBodyIsAnArrayWithLabelsAnnotationsAndEndsAtWhenResolved() throws {
        let body = try #require(try Self.object(WebhookMessage.body(Self.notification(), format: .alertmanager)) as? [[String: Any]])
        #expect(body.count == 1)
        let labels = try #require(body[0]["labels"] as? [String: String])
        #expect(labels == ["alertname": "data_drift", "monitor": "taxi-duration", "severity": "warning",
                           "feature": "trip_distance", "method": "psi"])
        let annotations = try #require(body[0]["annotations"] as? [String: String])
        #expect(annotations["summary"] == SampleAlerts.dataDrift().message)
        #expect(annotations["driftd_id"] == "0123456789abcdef")
        #expect(body[0]["startsAt"] as? String == "2023-11-14T22:13:20.250Z")
        #expect(body[0]["endsAt"] == nil)
        let resolved = try #require(try Self.object(WebhookMessage.body(Self.notification(status: .resolved), format: .alertmanager)) as? [[String: Any]])
        #expect(resolved[0]["labels"] as? [String: String] == labels, "the same labels name the same alert")
        #expect(resolved[0]["endsAt"] as? String == "2023-11-14T22:23:20.500Z")
    }

    @Test func alertmanagerLabelsTellPerformanceMetricsAndDetectorsApart() {
        let performance = WebhookMessage.alertmanagerLabels(SampleAlerts.performance()).map(\.0)
        #expect(performance == ["alertname", "monitor", "severity", "metric"])
        let concept = WebhookMessage.alertmanagerLabels(SampleAlerts.conceptDrift()).map(\.0)
        #expect(concept == ["alertname", "monitor", "severity", "method", "detector", "detector_name"])
    }

    @Test func slackBodyIsATextWithSeverityOrResolved() throws {
        let firing = try #require(try Self.object(WebhookMessage.body(Self.notification(SampleAlerts.performance()), format: .slack)) as? [String: String])
        #expect(firing == ["text": "[CRITICAL] churn: f1 0.5 < 0.55 in window 3"])
        let resolved = try #require(try Self.object(WebhookMessage.body(Self.notification(status: .resolved), format: .slack)) as? [String: String])
        #expect(resolved["text"]?.hasPrefix("[RESOLVED] taxi-duration: trip_distance drifted") == true)
    }

    @Test func originHidesThePathThatMayHoldAToken() {
        #expect(WebhookClient.origin(of: "https://hooks.slack.com/services/T000/B000/XXXXSECRET") == "https://hooks.slack.com")
        #expect(WebhookClient.origin(of: "http://127.0.0.1:9093/api/v2/alerts?token=abc") == "http://127.0.0.1:9093")
        #expect(WebhookClient.origin(of: "http://[::1]:8080/hook") == "http://[::1]:8080")
    }

    @Test func answersAreClassifiedForRetry() {
        #expect(WebhookClient.classify(status: 200, retryAfter: nil, answer: "") == .delivered)
        #expect(WebhookClient.classify(status: 204, retryAfter: nil, answer: "") == .delivered)
        #expect(WebhookClient.classify(status: 500, retryAfter: nil, answer: "boom") == .failed(reason: "HTTP 500: boom", retryAfter: nil))
        #expect(WebhookClient.classify(status: 429, retryAfter: "7", answer: "") == .failed(reason: "HTTP 429", retryAfter: 7))
        #expect(WebhookClient.classify(status: 408, retryAfter: nil, answer: "") == .failed(reason: "HTTP 408", retryAfter: nil))
        #expect(WebhookClient.classify(status: 400, retryAfter: nil, answer: "bad labels") == .rejected(reason: "HTTP 400: bad labels"))
        #expect(WebhookClient.classify(status: 404, retryAfter: nil, answer: "") == .rejected(reason: "HTTP 404"))
    }
}
