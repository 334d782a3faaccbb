import Foundation
import Testing
@testable import DriftAlerts
@testable import DriftEngine

/// `systemd/driftd.catalog`: one entry per kind, accepted by journalctl, rendered by `journalctl -x`.
struct MessageCatalogTests {
    static let catalog = Command.repositoryRoot.appendingPathComponent("systemd/driftd.catalog")

    @Test func catalogHasOneEntryPerKindAndDeliveryFailureAndUsesOnlyDriftdFields() throws {
        let text = try String(contentsOf: Self.catalog, encoding: .utf8)
        let ids = text.split(separator: "\n").filter { $0.hasPrefix("-- ") }.map { String($0.dropFirst(3)) }
        #expect(ids.sorted() == (Alert.Kind.allCases.map(\.journalMessageID) + [JournalEntry.deliveryDeadLetteredMessageID]).sorted())
        let known: Set<String> = ["DRIFTD_MONITOR", "DRIFTD_KIND", "DRIFTD_SEVERITY", "DRIFTD_WINDOW", "DRIFTD_FEATURE",
                                  "DRIFTD_METHOD", "DRIFTD_METRIC", "DRIFTD_BOUND", "DRIFTD_VALUE", "DRIFTD_THRESHOLD",
                                  "DRIFTD_DETECTOR", "DRIFTD_DETECTOR_NAME", "DRIFTD_RECORD", "DRIFTD_FINGERPRINT",
                                  // the dead-lettered delivery's entry (JournalEntry(deadLettered:...))
                                  "DRIFTD_WEBHOOK", "DRIFTD_NOTIFICATION_ID", "DRIFTD_ATTEMPTS", "DRIFTD_ERROR"]
        let entries = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        let placeholders = entries.split(separator: "@", omittingEmptySubsequences: false)
            .enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(Set(placeholders).subtracting(known).isEmpty)
    }

    /// journalctl compiles the catalog into the database of a scratch root, without touching the system's.
    @Test func journalctlCompilesTheCatalog() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("driftd-catalog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("usr/lib/systemd/catalog")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.catalog, to: folder.appendingPathComponent("driftd.catalog"))

        let update = try Command.run("/usr/bin/journalctl", ["--root=\(root.path)", "--update-catalog"])
        #expect(update.status == 0)
        #expect(update.stderr.isEmpty, "\(update.stderr)")
        let list = try Command.run("/usr/bin/journalctl", ["--root=\(root.path)", "--list-catalog"])
        for kind in Alert.Kind.allCases {
            #expect(list.stdout.contains("\(kind.journalMessageID) driftd: "), "\(kind)")
        }
    }

    /// As an administrator installs it: into /usr/lib/systemd/catalog, then `journalctl --update-catalog`
    /// (idempotent: the file is replaced only when it differs). Needs root and journald.
    @Test(.enabled(if: Journal.isAvailable && Journal.isRoot, "needs root and journald"))
    func journalctlExplainShowsTheCatalogEntryWithFieldsFilledIn() async throws {
        let installed = URL(fileURLWithPath: "/usr/lib/systemd/catalog/driftd.catalog")
        let ours = try Data(contentsOf: Self.catalog)
        if (try? Data(contentsOf: installed)) != ours {
            try ours.write(to: installed, options: .atomic)
        }
        let update = try Command.run("/usr/bin/journalctl", ["--update-catalog"])
        #expect(update.status == 0, "\(update.stderr)")

        let alert = SampleAlerts.performance(monitor: Journal.uniqueMonitor("catalog"))
        try JournalSink().send(alert)
        let text = try await Journal.poll(["-x", "-t", "driftd", "DRIFTD_MONITOR=\(alert.monitor)"]) {
            $0.contains("Subject:")
        }
        // journalctl (252) prefixes catalog lines with "░░ " (older versions: "-- ").
        #expect(text.contains("Subject: Model performance degraded in monitor \(alert.monitor)"))
        #expect(text.contains("In window 3 of monitor \(alert.monitor), the metric"))
        #expect(text.contains("f1 was 0.49999999999999994, beyond its min bound of"))
        #expect(text.contains("0.55, over the records whose labels were known."))
    }
}
