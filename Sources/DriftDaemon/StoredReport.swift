public import DriftEngine
import DriftRules
import DriftStore
import Foundation

/// `driftd report`: the report of §4 for what the daemon has stored for a monitor.
///
/// The state database keeps the lines the monitor's engine was fed, in order; feeding them to a fresh
/// engine gives the daemon's windows, detections and counts exactly, up to the last committed round.
public enum StoredReport {
    /// The stored report of `monitor` in the state folder.
    public static func make(monitor: String, stateFolder: String) throws(DaemonError) -> Report {
        do {
            let store = try StateStore(folder: stateFolder, readOnly: true)
            guard let stored = try store.rule(monitor: monitor) else {
                let known = try store.monitors()
                throw DaemonError(message: "\(store.path): no monitor \"\(monitor)\""
                                  + (known.isEmpty ? " (no monitor has state yet)" : " (known: \(known.joined(separator: ", ")))"))
            }
            let rule: MonitorRule
            switch RuleLoader.load(bytes: Array(stored.text.utf8), path: stored.path) {
            case .success(let loaded): rule = loaded
            case .failure(let list):
                throw DaemonError(message: "the stored rule of \(monitor) is no longer valid", diagnostics: list.diagnostics.map(\.description))
            }
            var windows: [WindowResult] = []
            let engine = try MonitorRunner.rebuild(rule: rule, store: store) { windows += $0 }
            return Report(rule: rule, referenceCount: engine.counts.referenceRecords, windows: windows,
                          detections: engine.detections, counts: engine.counts, malformed: engine.malformed, profiles: engine.profiles)
        } catch let error as DaemonError {
            throw error
        } catch {
            throw DaemonError(message: "\(error)")
        }
    }

    /// The HTML page of `monitor`'s stored results (its last `windowLimit` windows), with the daemon's own
    /// alerts (retrain, stalled stream, ingest errors) and its retrain episodes marked on the timelines.
    public static func html(monitor: String, stateFolder: String, windowLimit: Int?) throws(DaemonError) -> String {
        let report = try make(monitor: monitor, stateFolder: stateFolder)
        var extra: [Alert] = []
        var events: [HTMLReport.Event] = []
        if let store = try? StateStore(folder: stateFolder, readOnly: true) {
            let inReport = Set(report.alerts.map { Report.json($0).serialized(pretty: false) })
            extra = ((try? store.alerts(monitor: monitor)) ?? []).filter { !inReport.contains($0.json) }
                .compactMap { try? JSONDecoder().decode(Alert.self, from: $0.payload) }
            for episode in (try? store.episodes(monitor: monitor)) ?? [] {
                guard let window = episode.trigger.window else { continue }
                let outcome = switch episode.state {
                case .running: "running, attempt \(episode.attemptsBegun) of \(episode.maxAttempts)"
                case .promoted: "promoted version \(episode.promotedVersion.map(String.init) ?? "?") at attempt \(episode.attemptsFinished)"
                case .exhausted: "exhausted after \(episode.maxAttempts) attempts"
                }
                events.append(.init(window: window, label: "retrain episode \(episode.id) (\(episode.trigger.summary)): \(outcome)"))
            }
        }
        return HTMLReport.render(report, windowLimit: windowLimit, extraAlerts: extra, events: events,
                                 generatedAt: Timestamp.format(Date().timeIntervalSince1970), source: "driftd run, state \(stateFolder)")
    }
}
