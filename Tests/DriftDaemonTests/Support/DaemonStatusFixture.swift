import DriftDaemon
import Foundation

enum DaemonStatusFixture {
    static let status = DaemonStatus(
        version: "1.2.3", startTime: Date(timeIntervalSince1970: 1_795_000_000),
        rulesFolder: "/etc/driftd/rules", stateFolder: "/var/lib/driftd",
        ingest: .init(healthy: true, lastLoopTime: Date(timeIntervalSince1970: 1_795_000_120)),
        monitors: [
            .init(name: "taxi-duration", records: 60000, labels: 58000, malformedLines: 3, windowsEvaluated: 12,
                  lastWindowIndex: 11, lastWindowTime: Date(timeIntervalSince1970: 1_795_000_100), openAlerts: 1,
                  files: [
                    .init(stream: "predictions", path: "/var/log/taxi/predictions-1.jsonl", offset: 1_234_567,
                          lagBytes: 0, lagSeconds: 0),
                    .init(stream: "labels", path: "/var/log/taxi/labels-1.jsonl", offset: 45_678, lagBytes: 512,
                          lagSeconds: 2.5),
                  ],
                  retrain: .init(episode: 3, state: "running", attempts: 2, maxAttempts: 3, trigger: "performance_degraded",
                                 startedAt: Date(timeIntervalSince1970: 1_795_000_110))),
            .init(name: "churn", files: []),
        ])
}
