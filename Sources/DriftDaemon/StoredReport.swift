public import DriftEngine
import DriftRules
import DriftStore

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
                          detections: engine.detections, counts: engine.counts, malformed: engine.malformed)
        } catch let error as DaemonError {
            throw error
        } catch {
            throw DaemonError(message: "\(error)")
        }
    }
}
