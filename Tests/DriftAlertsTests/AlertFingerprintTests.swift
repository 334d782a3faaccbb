import Testing
@testable import DriftAlerts
@testable import DriftEngine

struct AlertFingerprintTests {
    /// Expected values: python3 -c 'import hashlib; print(hashlib.sha256("\x1f".join([...]).encode()).hexdigest()[:16])'
    @Test func fingerprintIsTheTruncatedSHA256OfTheDocumentedInput() {
        let drift = SampleAlerts.dataDrift()
        #expect(AlertFingerprint.input(of: drift) == "driftd-alert-v1\u{1F}taxi-duration\u{1F}data_drift\u{1F}trip_distance\u{1F}psi\u{1F}\u{1F}\u{1F}\u{1F}")
        #expect(AlertFingerprint.of(drift) == "9f8b90de20773fc0")
        #expect(AlertFingerprint.of(SampleAlerts.conceptDrift()) == "362ee9fe6a333230")
    }

    @Test func fingerprintIgnoresWhatChangesBetweenOccurrences() {
        var later = SampleAlerts.dataDrift()
        later.window = 13
        later.value = 0.9
        later.threshold = 0.25
        later.message = "another sentence"
        #expect(AlertFingerprint.of(later) == AlertFingerprint.of(SampleAlerts.dataDrift()))
    }

    @Test func fingerprintTellsConditionsApart() {
        let base = SampleAlerts.dataDrift()
        var otherFeature = base
        otherFeature.feature = "fare"
        var otherMethod = base
        otherMethod.method = "ks"
        var otherMonitor = base
        otherMonitor.monitor = "taxi-hourly"
        var otherKind = base
        otherKind.kind = .predictionDrift
        var dataset = base
        dataset.feature = nil
        dataset.method = "dataset"
        var minimum = SampleAlerts.performance()
        minimum.bound = "max"
        var otherDetector = SampleAlerts.conceptDrift()
        otherDetector.detectorName = "slow"
        let fingerprints = [base, otherFeature, otherMethod, otherMonitor, otherKind, dataset,
                            SampleAlerts.performance(), minimum, SampleAlerts.conceptDrift(), otherDetector]
            .map(AlertFingerprint.of)
        #expect(Set(fingerprints).count == fingerprints.count)
        #expect(fingerprints.allSatisfy { $0.count == 16 && $0.allSatisfy(\.isHexDigit) && $0 == $0.lowercased() })
    }
}
