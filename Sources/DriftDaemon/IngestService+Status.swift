import DriftRetrain
import DriftStore
import DriftEngine
public import Foundation

extension IngestService {
    /// The ingest loop is healthy while it completed a round within this many seconds (it wakes at
    /// least every `idleWait`, so a longer silence means it is stuck).
    static let healthyWithin = 30.0

    /// True while the ingest loop completes rounds and the state database takes their commits.
    public var isHealthy: Bool {
        let snapshot = self.snapshot
        return snapshot.stateError == nil && Date().timeIntervalSince1970 - snapshot.lastRound < Self.healthyWithin
    }

    /// The daemon's `/status`.
    public func status(version: String, startTime: Date) -> DaemonStatus {
        let snapshot = self.snapshot
        let monitors = snapshot.monitors.map { monitor in
            var status = DaemonStatus.Monitor(
                name: monitor.name, records: monitor.counts.records, labels: monitor.counts.labels,
                malformedLines: monitor.counts.malformedLines, windowsEvaluated: monitor.windowsEvaluated,
                lastWindowIndex: monitor.lastWindowIndex,
                lastWindowTime: monitor.lastWindowEnd.map { Date(timeIntervalSince1970: $0) },
                openAlerts: monitor.firingAlerts,
                files: monitor.files.flatMap { stream in
                    stream.lag.map { DaemonStatus.TailedFile(stream: stream.stream, path: $0.path,
                                                             offset: Int(monitor.offsets[stream.stream]?[$0.path] ?? 0),
                                                             lagBytes: Int($0.unreadBytes), lagSeconds: $0.seconds) }
                })
            if let episode = try? store.episodes(monitor: monitor.name).last {
                status.retrain = DaemonStatus.Retrain(
                    episode: episode.id, state: episode.state.rawValue, attempts: episode.attemptsBegun, maxAttempts: episode.maxAttempts,
                    trigger: episode.trigger.summary, startedAt: Date(timeIntervalSince1970: episode.startedAt),
                    endedAt: episode.endedAt.map { Date(timeIntervalSince1970: $0) }, promotedVersion: episode.promotedVersion)
            }
            return status
        }
        return DaemonStatus(version: version, startTime: startTime, rulesFolder: configuration.rulesFolder,
                            stateFolder: configuration.stateFolder,
                            ingest: .init(healthy: isHealthy, lastLoopTime: Date(timeIntervalSince1970: snapshot.lastRound),
                                          stateError: snapshot.stateError),
                            monitors: monitors)
    }
}

extension DaemonMetrics {
    /// Records one monitor's round.
    public func record(_ round: IngestService.RoundReport) {
        ingested(monitor: round.monitor, stream: "predictions", lines: round.predictions, malformed: round.malformed - round.malformedLabels)
        ingested(monitor: round.monitor, stream: "labels", lines: round.labels, malformed: round.malformedLabels)
        for stream in round.lag {
            lag(monitor: round.monitor, stream: stream.stream, bytes: Int(stream.lag.reduce(0) { $0 + $1.unreadBytes }),
                seconds: stream.lag.map(\.seconds).max() ?? 0)
        }
        for window in round.windows {
            windowEvaluated(monitor: round.monitor, result: window, seconds: round.evaluationSeconds / Double(max(1, round.windows.count)))
        }
        for alert in round.alerts { alertRaised(alert) }
        ingestLoopCompleted(at: Date())
    }
}
