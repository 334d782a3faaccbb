import DriftAlerts
import DriftEngine
import DriftIngest
import DriftRetrain
import DriftRules
import DriftStore
import Foundation

/// One monitor in the daemon: its engine, its tailers and the predictions waiting for labels.
///
/// A prediction is held until its label is known, `labels.max_delay` has passed since it was read, or
/// more than `heldLimit` predictions wait; then it goes to the engine, in stream order. So the engine
/// sees each prediction with the label `replay` (which reads every label first) would give it, and the
/// daemon's windows, performance and concept-drift detections equal replay's on the same files. The
/// price is that a window is evaluated up to `max_delay` after its last prediction when labels lag.
final class MonitorRunner {
    /// An error that keeps the monitor from starting, with the monitor's name.
    struct StartError: Error, CustomStringConvertible {
        var monitor: String
        var message: String
        var description: String { "\(monitor): \(message)" }
    }

    /// Held predictions beyond this many are released without waiting (memory bound).
    static let heldLimit = 1_000_000

    let rule: MonitorRule
    let ruleDigest: String
    private(set) var engine: MonitorEngine
    private let predictions: Tailer
    private let labels: Tailer?
    /// Held predictions, oldest first from `heldStart`, and their ids (nil: malformed, released at once).
    private var held: [StateStore.InputLine] = []
    private var heldIDs: [String?] = []
    private var heldStart = 0
    /// What the daemon reports and exports.
    private(set) var windowsEvaluated = 0
    private(set) var lastWindow: WindowResult?
    private(set) var lastLoopTime = 0.0
    /// `stream_stalled`: when the last prediction line was read, and whether the stall was alerted.
    private var lastPredictionAt: Double?
    private var stallAlerted = false
    /// `ingest_errors`: lines and malformed lines read in the current block.
    private var blockLines = 0
    private var blockMalformed = 0
    /// Firing alerts, repeats and resolutions: what the webhooks are told.
    private var tracker: AlertTracker
    /// The checkpoints last handed to the store, by stream: a round that did not move them stores none.
    private var storedCheckpoints: [StateStore.Stream: [FileCheckpoint]] = [:]

    var heldCount: Int { held.count - heldStart }
    var patterns: [String] { [predictionsPattern] + (labelsPattern.map { [$0] } ?? []) }
    let predictionsPattern: String
    let labelsPattern: String?

    /// Starts the monitor from the stored state, or anew when the rule changed (or there is none).
    init(rule: MonitorRule, ruleText: String, store: StateStore) throws(StartError) {
        self.rule = rule
        ruleDigest = Self.digest(ruleText)
        let monitor = rule.monitor
        let directory = StreamFiles.directory(of: rule.sourcePath)
        predictionsPattern = StreamFiles.absolute(rule.predictions.path, relativeTo: directory)
        labelsPattern = rule.labels.map { StreamFiles.absolute($0.path, relativeTo: directory) }
        do {
            if try store.ruleDigest(monitor: monitor) != ruleDigest {
                try store.resetMonitor(monitor, ruleDigest: ruleDigest, rulePath: rule.sourcePath, ruleText: ruleText)
            }
            engine = try Self.rebuild(rule: rule, store: store)
            held = try store.held(monitor: monitor)
            let checkpoints = try store.checkpoints(monitor: monitor)
            func decoded(_ stream: StateStore.Stream) throws -> [FileCheckpoint] {
                guard let data = checkpoints[stream] else { return [] }
                return try JSONDecoder().decode([FileCheckpoint].self, from: data)
            }
            let (predictionCheckpoints, labelCheckpoints) = (try decoded(.predictions), try decoded(.labels))
            storedCheckpoints = [.predictions: predictionCheckpoints, .labels: labelCheckpoints]
            tracker = AlertTracker(entries: try store.alertStates(monitor: monitor).compactMapValues { try? JSONDecoder().decode(AlertTracker.Entry.self, from: $0) },
                                   repeatInterval: rule.alerts.repeatInterval)
            predictions = Tailer(pattern: predictionsPattern, checkpoints: predictionCheckpoints)
            labels = labelsPattern.map { Tailer(pattern: $0, checkpoints: labelCheckpoints) }
        } catch let error as StartError {
            throw error
        } catch {
            throw StartError(monitor: monitor, message: "\(error)")
        }
        heldIDs = held.map(predictionID)
    }

    /// A fresh engine fed every line the stored one was fed: the same state, deterministically.
    /// `windows` gets the windows as they come out again (the daemon has them stored already;
    /// `driftd report` collects them).
    static func rebuild(rule: MonitorRule, store: StateStore, windows: ([WindowResult]) -> Void = { _ in }) throws -> MonitorEngine {
        let engine = MonitorEngine(rule: rule)
        do {
            try Replay.loadReference(into: engine)
        } catch {
            throw StartError(monitor: rule.monitor, message: "reference: \(error.description)")
        }
        try store.forEachInput(monitor: rule.monitor) { windows(feed($0, to: engine)) }
        return engine
    }

    /// Feeds one line to the engine; returns the windows it completes.
    static func feed(_ line: StateStore.InputLine, to engine: MonitorEngine) -> [WindowResult] {
        line.bytes.withUnsafeBufferPointer { bytes in
            switch line.stream {
            case .labels:
                engine.ingestLabelLine(bytes, file: line.file, lineNumber: line.lineNumber)
                return []
            case .predictions:
                return engine.ingestPredictionLine(bytes, file: line.file, lineNumber: line.lineNumber)
            case .control:
                if line.bytes == Self.rebaselineInstruction {
                    engine.rebaseline()
                } else if let text = String(validating: line.bytes, as: UTF8.self), text.hasPrefix(Self.tooLongInstruction),
                          let length = Int(text.dropFirst(Self.tooLongInstruction.count)) {
                    engine.recordTooLong(file: line.file, line: line.lineNumber, length: length)
                }
                return []
            }
        }
    }

    /// The control line that re-baselines the engine's reference where it stands in the input.
    static let rebaselineInstruction = Array("rebaseline".utf8)
    /// The control line (followed by the length) of a line too long to read: counted as malformed.
    static let tooLongInstruction = "too-long "

    /// Rebaseline requests (store ids) the next step carries out, first thing.
    var pendingRebaselines: [Int64] = []

    /// The id a held prediction waits on; nil (released at once) for a malformed line, and for every
    /// line of a monitor without labels, which never waits (no second parse on that path).
    private func predictionID(_ line: StateStore.InputLine) -> String? {
        guard rule.labels != nil else { return nil }
        return line.bytes.withUnsafeBufferPointer { engine.predictionID($0) }
    }

    /// What one step found, beside what it stores.
    struct StepResult {
        var step: StateStore.Step
        var windows: [WindowResult] = []
        var alerts: [Alert] = []
        var linesRead = (predictions: 0, labels: 0)
        var malformed = 0
        var malformedLabels = 0
    }

    /// Reads what the tailers have (at most `limit` lines each), releases held predictions and
    /// evaluates the windows they complete. Nothing is stored: the caller commits the step.
    func step(now: Double, limit: Int) throws(IngestError) -> StepResult {
        var result = StepResult(step: StateStore.Step(monitor: rule.monitor))
        if !pendingRebaselines.isEmpty {
            let control = StateStore.InputLine(stream: .control, file: "", lineNumber: 0, bytes: Self.rebaselineInstruction, readAt: now)
            _ = Self.feed(control, to: engine)
            result.step.fed.append(control)
            result.step.rebaselinesDone = pendingRebaselines
            pendingRebaselines = []
        }
        let malformedBefore = engine.counts.malformedLines
        let detectionsBefore = engine.detections.count
        func line(_ tailed: TailedLine, _ stream: StateStore.Stream) -> StateStore.InputLine? {
            switch tailed {
            case .complete(let bytes, let path, let number):
                return StateStore.InputLine(stream: stream, file: path, lineNumber: number, bytes: Array(bytes), readAt: now)
            case .tooLong(let length, let path, let number):
                // Stored as a control entry, so a rebuilt engine counts it too (as replay does).
                let control = StateStore.InputLine(stream: .control, file: path, lineNumber: number,
                                                   bytes: Array((Self.tooLongInstruction + String(length)).utf8), readAt: now)
                _ = Self.feed(control, to: engine)
                result.step.fed.append(control)
                return nil
            }
        }
        if let labels {
            result.linesRead.labels = try labels.poll(limit: limit) { tailed in
                guard let input = line(tailed, .labels) else { return }
                _ = Self.feed(input, to: engine)
                result.step.fed.append(input)
            }
            result.step.checkpoints[.labels] = changedCheckpoints(labels, .labels)
            result.malformedLabels = engine.counts.malformedLines - malformedBefore
        }
        result.linesRead.predictions = try predictions.poll(limit: limit) { tailed in
            guard let input = line(tailed, .predictions) else { return }
            held.append(input)
            heldIDs.append(predictionID(input))
            result.step.held.append(input)
        }
        result.step.checkpoints[.predictions] = changedCheckpoints(predictions, .predictions)
        let maxDelay = rule.labels?.maxDelay ?? 0
        while heldStart < held.count {
            let waiting = rule.labels != nil && heldCount <= Self.heldLimit && now - held[heldStart].readAt < maxDelay
            if waiting, let id = heldIDs[heldStart], engine.labels.label(for: id) == nil { break }
            let input = held[heldStart]
            heldStart += 1
            result.step.releasedHeld += 1
            result.step.fed.append(input)
            result.windows += Self.feed(input, to: engine)
        }
        if heldStart > 4096 && heldStart * 2 > held.count {
            held.removeFirst(heldStart)
            heldIDs.removeFirst(heldStart)
            heldStart = 0
        }
        for window in result.windows {
            result.step.windows.append((window.index, Report.json(window).serialized(pretty: false)))
            result.alerts += window.alerts
        }
        let detections = engine.detections[detectionsBefore...].map { AlertRaiser.alert(for: $0, rule: rule) }
        result.alerts += detections
        if let trigger = retrainTrigger(windows: result.windows, conceptDrift: !detections.isEmpty, now: now) {
            result.step.retrainTriggers.append(trigger)
        }
        result.malformed = engine.counts.malformedLines - malformedBefore
        result.alerts += ingestAlerts(now: now, read: result.linesRead.predictions + result.linesRead.labels,
                                      predictions: result.linesRead.predictions, malformed: result.malformed)
        let encoder = JSONEncoder()
        // Daemon-only alerts (stalls, ingest errors) are stored and sent, but are not part of the report.
        result.step.alerts = result.alerts.map { (Report.json($0).serialized(pretty: false), (try? encoder.encode($0)) ?? Data()) }
        track(&result, now: now)
        windowsEvaluated += result.windows.count
        if let last = result.windows.last { lastWindow = last }
        lastLoopTime = now
        return result
    }

    /// The step's retrain trigger, if the rule has a retrain loop and one of its `triggers` fired:
    /// one per step at most (several detections or windows in one step are one trigger). The
    /// production value is the retrain metric in the triggering window (for concept drift alone: the
    /// latest evaluated window).
    private func retrainTrigger(windows: [WindowResult], conceptDrift: Bool, now: Double) -> RetrainTrigger? {
        guard let retrain = rule.retrain else { return nil }
        var fired = Set<MonitorRule.Retrain.Trigger>()
        var triggering: WindowResult?
        for window in windows {
            var hit = false
            for trigger in retrain.triggers {
                let firedHere = switch trigger {
                case .performanceDegraded: window.alerts.contains { $0.kind == .performanceDegraded }
                case .predictionDrift: window.alerts.contains { $0.kind == .predictionDrift }
                case .dataDrift: Set(window.alerts.filter { $0.kind == .dataDrift }.compactMap(\.feature)).count >= retrain.minDriftedFeatures
                case .conceptDrift: false
                }
                if firedHere {
                    fired.insert(trigger)
                    hit = true
                }
            }
            if hit { triggering = window }
        }
        if conceptDrift && retrain.triggers.contains(.conceptDrift) {
            fired.insert(.conceptDrift)
            triggering = triggering ?? windows.last ?? lastWindow
        }
        guard !fired.isEmpty else { return nil }
        let production = triggering?.performance?.values.first { $0.check.metric == retrain.metric }?.value
        return RetrainTrigger(kinds: MonitorRule.Retrain.Trigger.allCases.filter(fired.contains).map(\.rawValue),
                              window: triggering?.index, productionValue: production ?? nil, at: now)
    }

    /// How many alert fingerprints are firing (not yet resolved).
    var firingAlerts: Int { tracker.firingCount }

    /// Runs the alert tracker over the step's alerts and queues the webhook deliveries it decides.
    private func track(_ result: inout StepResult, now: Double) {
        let outcome = tracker.observe(alerts: result.alerts, windows: result.windows.map(\.index), now: now)
        let encoder = JSONEncoder()
        for fingerprint in outcome.changed {
            if let entry = tracker.entries[fingerprint], let data = try? encoder.encode(entry) { result.step.alertStates[fingerprint] = data }
        }
        for (notification, alertIndex) in zip(outcome.notifications, outcome.alertIndexes) {
            result.step.deliveries += Self.deliveries(of: notification, alertIndex: alertIndex, rule: rule, now: now)
        }
    }

    /// The outbox deliveries of one notification: one per webhook of the rule that takes its status.
    static func deliveries(of notification: AlertNotification, alertIndex: Int?, rule: MonitorRule, now: Double) -> [StateStore.Delivery] {
        let folder = StreamFiles.directory(of: rule.sourcePath)
        return rule.alerts.webhooks.filter { notification.status == .firing || $0.postsResolved }.map { hook in
            StateStore.Delivery(
                monitor: rule.monitor, alertIndex: alertIndex, notificationID: notification.id, status: notification.status.rawValue,
                url: hook.url, format: hook.format.rawValue, secretFile: hook.secretFile.map { StreamFiles.absolute($0, relativeTo: folder) },
                credential: hook.credential, timeout: hook.timeout, retryFor: hook.retryFor,
                body: Data(WebhookMessage.body(notification, format: hook.format)), createdAt: now)
        }
    }

    /// The tailer's checkpoints, encoded, when they differ from the ones last stored; nil otherwise.
    private func changedCheckpoints(_ tailer: Tailer, _ stream: StateStore.Stream) -> Data? {
        let current = tailer.checkpoints
        guard storedCheckpoints[stream] != current else { return nil }
        storedCheckpoints[stream] = current
        return try? JSONEncoder().encode(current)
    }

    /// `stream_stalled` once no prediction arrived for `alerts.stalled_after`; `ingest_errors` when a block
    /// of lines read has more malformed lines than `alerts.max_malformed_rate`. Malformed lines are
    /// counted when the engine is fed: held predictions count when released.
    private func ingestAlerts(now: Double, read: Int, predictions: Int, malformed: Int) -> [Alert] {
        var alerts: [Alert] = []
        if predictions > 0 || lastPredictionAt == nil {
            lastPredictionAt = now
            stallAlerted = false
        } else if let after = rule.alerts.stalledAfter, let last = lastPredictionAt, !stallAlerted, now - last >= after {
            stallAlerted = true
            alerts.append(Alert(monitor: rule.monitor, kind: .streamStalled, value: now - last, threshold: after,
                                message: "\(rule.monitor): no prediction for \(Int(now - last))s (stalled_after \(Int(after))s)"))
        }
        blockLines += read
        blockMalformed += malformed
        if blockLines >= MonitorRule.Alerts.ingestBlock {
            let rate = Double(blockMalformed) / Double(blockLines)
            if rate > rule.alerts.maxMalformedRate {
                alerts.append(Alert(monitor: rule.monitor, kind: .ingestErrors, value: rate, threshold: rule.alerts.maxMalformedRate,
                                    message: "\(rule.monitor): \(blockMalformed) of \(blockLines) lines malformed (\(rate) > \(rule.alerts.maxMalformedRate))"))
            }
            blockLines = 0
            blockMalformed = 0
        }
        return alerts
    }

    /// Files being read, with lag, for /status and metrics.
    var lag: [(stream: String, lag: [FileLag])] {
        [("predictions", predictions.lag)] + (labels.map { [("labels", $0.lag)] } ?? [])
    }

    /// Offsets by path, per stream (for /status).
    var offsets: [String: [String: Int64]] {
        var result = ["predictions": Dictionary(predictions.checkpoints.map { ($0.path, $0.offset) }, uniquingKeysWith: max)]
        if let labels { result["labels"] = Dictionary(labels.checkpoints.map { ($0.path, $0.offset) }, uniquingKeysWith: max) }
        return result
    }

    /// A stable digest of a rule file's text: a changed rule restarts the monitor's state.
    static func digest(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
