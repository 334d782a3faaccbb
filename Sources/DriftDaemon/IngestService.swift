import DriftAlerts
public import DriftEngine
public import DriftIngest
public import DriftRules
public import DriftStore
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// The daemon's ingest loop as a Service: tail every monitor's files, feed the engines, commit each
/// round to the state database, then write the new alerts to journald.
///
/// The loop runs on a thread of its own (file reads, SQLite and inotify waits block); it sleeps on
/// inotify between rounds, so an idle daemon uses no CPU. SIGHUP asks it to reload the rules; the
/// systemd watchdog is pinged from the loop, so a stuck loop stops the pings.
public final class IngestService: Service, @unchecked Sendable {
    /// Where the daemon reads rules and keeps state.
    public struct Configuration: Sendable {
        public var rulesFolder: String
        public var stateFolder: String
        /// Lines read per stream per round, at most (a round is committed in one transaction).
        public var linesPerRound = 20_000
        /// Longest wait for file changes between rounds (held predictions expire on this tick).
        public var idleWait: Duration = .seconds(1)

        public init(rulesFolder: String, stateFolder: String) {
            self.rulesFolder = rulesFolder
            self.stateFolder = stateFolder
        }
    }

    /// What the daemon shows of itself between rounds.
    public struct Snapshot: Sendable {
        public var monitors: [MonitorSnapshot] = []
        public var lastRound = 0.0
        public var reloads = 0
        public var lastReloadError: String?
        /// Why the last round could not be committed (disk full, I/O error), while it cannot.
        public var stateError: String?
    }

    /// One monitor's figures.
    public struct MonitorSnapshot: Sendable {
        public var name: String
        public var counts: MonitorEngine.Counts
        public var windowsEvaluated: Int
        public var lastWindowIndex: Int?
        public var lastWindowEnd: Double?
        public var heldPredictions: Int
        /// Alert fingerprints firing and not yet resolved.
        public var firingAlerts: Int
        public var files: [(stream: String, lag: [FileLag])]
        /// Read offsets by stream and path.
        public var offsets: [String: [String: Int64]]
    }

    let configuration: Configuration
    /// The state database (shared with the webhook dispatcher).
    public let store: StateStore
    let logger: Logger
    /// Called after each committed round (metrics), on the loop's thread.
    let onRound: @Sendable (RoundReport) -> Void
    /// Called after a round that queued webhook deliveries was committed.
    let onDeliveriesQueued: @Sendable () -> Void
    /// Called after a round that queued retrain triggers was committed.
    let onTriggersQueued: @Sendable () -> Void
    /// Called after each reload attempt with its outcome and the monitors in force.
    let onReload: @Sendable (_ succeeded: Bool, _ monitors: [String]) -> Void
    private var runners: [MonitorRunner]
    private var watcher: FileWatcher
    private let journal = JournalSink()
    /// True from a refused journald write until journald takes alerts again (one warning, not one per round).
    private var journalFailing = false
    /// A round read and evaluated whose commit failed (disk full): committed again, as it is, before
    /// anything else is read, so that nothing read is lost or read twice.
    private var uncommitted: Round?
    /// How long to wait before committing `uncommitted` again.
    private static let commitRetryInterval: Duration = .seconds(1)
    private let notifier = SystemdNotifier()
    private let reloadRequested = Atomic<Bool>(false)
    /// Set when a promotion asked for a rebaseline (and at start, for requests a crash left).
    private let rebaselineRequested = Atomic<Bool>(true)
    private let stopRequested = Atomic<Bool>(false)
    private let state = Mutex(Snapshot())
    private let rulesInForce: Mutex<[MonitorRule]>

    /// What a round did, for metrics.
    public struct RoundReport: Sendable {
        public var monitor: String
        public var predictions: Int
        public var labels: Int
        public var malformed: Int
        public var malformedLabels: Int
        public var windows: [WindowResult]
        public var alerts: [Alert]
        public var evaluationSeconds: Double
        public var lag: [(stream: String, lag: [FileLag])]
    }

    /// Loads the rules (every `*.json` directly in the rules folder) and the stored state.
    /// Throws the rule diagnostics, or the reason the state cannot be used.
    public init(configuration: Configuration, logger: Logger,
                onRound: @escaping @Sendable (RoundReport) -> Void = { _ in },
                onDeliveriesQueued: @escaping @Sendable () -> Void = {},
                onTriggersQueued: @escaping @Sendable () -> Void = {},
                onReload: @escaping @Sendable (_ succeeded: Bool, _ monitors: [String]) -> Void = { _, _ in }) throws(DaemonError) {
        self.configuration = configuration
        self.logger = logger
        self.onRound = onRound
        self.onDeliveriesQueued = onDeliveriesQueued
        self.onTriggersQueued = onTriggersQueued
        self.onReload = onReload
        do {
            store = try StateStore(folder: configuration.stateFolder)
        } catch {
            throw DaemonError(message: error.description)
        }
        let loaded = try Self.loadRunners(rulesFolder: configuration.rulesFolder, store: store, keeping: [])
        runners = loaded
        rulesInForce = Mutex(loaded.map(\.rule))
        do {
            watcher = try FileWatcher(patterns: runners.flatMap(\.patterns))
        } catch {
            throw DaemonError(message: "cannot watch the stream folders: \(error)")
        }
        publish()
    }

    /// Reads every rule file; all must be valid. Monitors whose rule text is unchanged keep their runner.
    static func loadRunners(rulesFolder: String, store: StateStore, keeping current: [MonitorRunner]) throws(DaemonError) -> [MonitorRunner] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: rulesFolder).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw DaemonError(message: "\(rulesFolder): cannot read the rules folder: \(error.localizedDescription)")
        }
        var rules: [(MonitorRule, String)] = []
        var diagnostics: [String] = []
        for name in names {
            let path = rulesFolder + "/" + name
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                diagnostics.append("\(path):1:1: error: cannot read the rule file")
                continue
            }
            switch RuleLoader.load(bytes: Array(data), path: path) {
            case .success(let rule): rules.append((rule, text))
            case .failure(let list): diagnostics += list.diagnostics.map(\.description)
            }
        }
        var seen: [String: String] = [:]
        for (rule, _) in rules {
            if let other = seen[rule.monitor] {
                diagnostics.append("\(rule.sourcePath):1:1: error: monitor \"\(rule.monitor)\" is also defined in \(other)")
            }
            seen[rule.monitor] = rule.sourcePath
        }
        guard diagnostics.isEmpty else { throw DaemonError(message: "invalid rules", diagnostics: diagnostics) }
        var runners: [MonitorRunner] = []
        for (rule, text) in rules {
            if let kept = current.first(where: { $0.rule.monitor == rule.monitor && $0.ruleDigest == MonitorRunner.digest(text) }) {
                runners.append(kept)
                continue
            }
            do {
                runners.append(try MonitorRunner(rule: rule, ruleText: text, store: store))
            } catch {
                throw DaemonError(message: error.description)
            }
        }
        return runners
    }

    /// Says that a promotion stored a rebaseline request: the next round carries it out.
    public func rebaselineQueued() {
        rebaselineRequested.store(true, ordering: .relaxed)
        watcher.wake()
    }

    /// Asks the loop to re-read the rules before its next round (SIGHUP).
    public func requestReload() {
        reloadRequested.store(true, ordering: .relaxed)
        watcher.wake()
    }

    /// The latest figures (for /status and /healthz).
    public var snapshot: Snapshot { state.withLock { $0 } }

    /// The rules in force (they change on reload).
    public var rules: [MonitorRule] { rulesInForce.withLock { $0 } }

    /// Monitors by name (for `report`).
    public var monitorNames: [String] { runners.map(\.rule.monitor) }

    public func run() async throws {
        let finished = Mutex<CheckedContinuation<Void, any Error>?>(nil)
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                finished.withLock { $0 = continuation }
                let thread = Thread { [self] in
                    loop()
                    finished.withLock { $0?.resume(); $0 = nil }
                }
                thread.name = "driftd-ingest"
                thread.start()
            }
        } onGracefulShutdown: { [self] in
            stopRequested.store(true, ordering: .relaxed)
            watcher.wake()
        }
        _ = notifier.stopping()
    }

    private func loop() {
        _ = notifier.ready(status: statusLine)
        logger.info("driftd started", metadata: ["monitors": "\(runners.count)", "state": "\(store.path)"])
        let watchdogEvery = notifier.watchdogPingInterval
        var lastPing = ContinuousClock.now
        while !stopRequested.load(ordering: .relaxed) {
            if uncommitted == nil, reloadRequested.exchange(false, ordering: .relaxed) { reload() }
            let busy = round()
            if let every = watchdogEvery, ContinuousClock.now - lastPing >= every {
                _ = notifier.watchdog()
                lastPing = .now
            }
            if uncommitted != nil {
                // Not woken by file changes: nothing more is read until the round is committed.
                Thread.sleep(forTimeInterval: Self.commitRetryInterval.seconds)
            } else if !busy {
                _ = watcher.wait(timeout: min(configuration.idleWait, watchdogEvery ?? configuration.idleWait))
            }
        }
        if uncommitted != nil {
            logger.warning("driftd stopping with a round not committed: its lines are read again at the next start")
        } else {
            // Everything read was committed by its round: nothing is left to save.
            logger.info("driftd stopping: state committed")
        }
    }

    /// What one round read and evaluated, until it is committed.
    private struct Round {
        var now: Double
        var results: [(runner: MonitorRunner, result: MonitorRunner.StepResult, seconds: Double)]
    }

    /// One round over every monitor; true when some tailer had more lines than a round takes. A
    /// round whose commit failed is committed again instead, and nothing new is read meanwhile.
    private func round() -> Bool {
        if let pending = uncommitted {
            return commit(pending)
        }
        let now = Date().timeIntervalSince1970
        var results: [(runner: MonitorRunner, result: MonitorRunner.StepResult, seconds: Double)] = []
        if rebaselineRequested.exchange(false, ordering: .relaxed) {
            do {
                let requests = try store.rebaselineRequests()
                for runner in runners { runner.pendingRebaselines = requests[runner.rule.monitor] ?? [] }
            } catch {
                rebaselineRequested.store(true, ordering: .relaxed)
                logger.error("state database: \(error)")
            }
        }
        for runner in runners {
            let started = ContinuousClock.now
            do {
                let result = try runner.step(now: now, limit: configuration.linesPerRound)
                results.append((runner, result, (ContinuousClock.now - started).seconds))
            } catch {
                logger.error("reading failed", metadata: ["monitor": "\(runner.rule.monitor)", "error": "\(error)"])
            }
        }
        return commit(Round(now: now, results: results))
    }

    /// Commits a round, then hands its alerts out; true when some tailer had more lines than a
    /// round takes. When the commit fails the round is kept for the next try, and the failure is
    /// logged once (and shown in /status; /healthz fails) until a commit works.
    private func commit(_ round: Round) -> Bool {
        do {
            try store.commit(round.results.map(\.result.step), now: round.now)
        } catch {
            if uncommitted == nil {
                logger.error("state database: cannot commit a round (\(error)); reading is paused and the round is committed again every \(Self.commitRetryInterval) until it works (nothing read is lost)")
            }
            uncommitted = round
            state.withLock { $0.stateError = "\(error)" }
            return false
        }
        if uncommitted != nil {
            uncommitted = nil
            state.withLock { $0.stateError = nil }
            logger.info("state database: commits work again; reading resumes")
        }
        let (now, results) = (round.now, round.results)
        if results.contains(where: { !$0.result.step.deliveries.isEmpty }) { onDeliveriesQueued() }
        if results.contains(where: { !$0.result.step.retrainTriggers.isEmpty }) { onTriggersQueued() }
        deliverToJournal()
        for (runner, result, seconds) in results {
            onRound(RoundReport(monitor: runner.rule.monitor, predictions: result.linesRead.predictions, labels: result.linesRead.labels,
                                malformed: result.malformed, malformedLabels: result.malformedLabels, windows: result.windows, alerts: result.alerts,
                                evaluationSeconds: seconds, lag: runner.lag))
            for window in result.windows {
                logger.debug("window evaluated", metadata: ["monitor": "\(runner.rule.monitor)", "window.index": "\(window.index)"])
            }
        }
        publish(now: now)
        return results.contains { $0.result.linesRead.predictions >= configuration.linesPerRound || $0.result.linesRead.labels >= configuration.linesPerRound }
    }

    /// Writes committed alerts that journald does not have yet (at least once: a crash between the
    /// write and the mark writes an alert again). Monitors with `alerts.journald` false are skipped.
    private func deliverToJournal() {
        guard let pending = try? store.alertsPendingJournal(), !pending.isEmpty else { return }
        let silent = Set(runners.filter { !$0.rule.alerts.journald }.map(\.rule.monitor))
        var done: [Int64] = []
        for stored in pending {
            guard !silent.contains(stored.monitor), let alert = try? JSONDecoder().decode(Alert.self, from: stored.payload) else {
                done.append(stored.id)
                continue
            }
            do {
                try journal.send(alert)
                done.append(stored.id)
            } catch {
                // No journald (or it refused): the alert stays pending and is written on a later round.
                // Said once, not every round, until journald takes alerts again.
                if !journalFailing {
                    journalFailing = true
                    logger.warning("journald did not take an alert; alerts are kept and written once it does",
                                   metadata: ["monitor": "\(stored.monitor)", "error": "\(error)"])
                }
                break
            }
        }
        if journalFailing && done.count == pending.count {
            journalFailing = false
            logger.info("journald takes alerts again", metadata: ["alerts.written": "\(done.count)"])
        }
        do { try store.markJournalDone(done) } catch { logger.error("state database: \(error)") }
    }

    private func reload() {
        _ = notifier.reloading()
        do {
            let reloaded = try Self.loadRunners(rulesFolder: configuration.rulesFolder, store: store, keeping: runners)
            runners = reloaded
            rulesInForce.withLock { $0 = reloaded.map(\.rule) }
            watcher.watch(patterns: runners.flatMap(\.patterns))
            state.withLock { $0.reloads += 1; $0.lastReloadError = nil }
            logger.info("rules reloaded", metadata: ["monitors": "\(runners.count)"])
            onReload(true, runners.map(\.rule.monitor))
        } catch {
            state.withLock { $0.lastReloadError = error.description }
            logger.error("reload refused, the previous rules stay in force: \(error.description)")
            for line in error.diagnostics { logger.error("\(line)") }
            onReload(false, runners.map(\.rule.monitor))
        }
        _ = notifier.ready(status: statusLine)
    }

    private var statusLine: String {
        let records = runners.reduce(0) { $0 + $1.engine.counts.records }
        let windows = runners.reduce(0) { $0 + $1.windowsEvaluated }
        return "\(runners.count) monitors, \(records) records, \(windows) windows evaluated"
    }

    private func publish(now: Double = Date().timeIntervalSince1970) {
        let monitors = runners.map { runner in
            MonitorSnapshot(name: runner.rule.monitor, counts: runner.engine.counts, windowsEvaluated: runner.windowsEvaluated,
                            lastWindowIndex: runner.lastWindow?.index, lastWindowEnd: runner.lastWindow?.endTime,
                            heldPredictions: runner.heldCount, firingAlerts: runner.firingAlerts, files: runner.lag, offsets: runner.offsets)
        }
        state.withLock {
            $0.monitors = monitors
            $0.lastRound = now
        }
    }
}
