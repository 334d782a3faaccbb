import DriftAlerts
public import DriftEngine
import DriftRetrain
public import DriftRules
public import DriftStore
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// The retrain-check loop of CONTRACT.md §7 as a Service.
///
/// The ingest loop queues a trigger in the same transaction as the window that raised it; this
/// service decides on each queued trigger (start an episode, or suppress it while one runs or cools
/// down) and drives running episodes: each attempt runs the rule's command in a fresh workdir, judges
/// its `metrics.json`, and registers and promotes a winner. Every change of an episode is committed
/// with the alert it raises, before the next step, so a crash resumes an episode where it was; an
/// attempt interrupted by a crash or a stop counts as failed (an episode never runs more than
/// `max_attempts` commands). Alerts go through the same store as the ingest loop's: journald gets them
/// on the next ingest round, webhooks from the outbox. Every decision is appended to the registry's
/// `audit.jsonl`.
public final class RetrainService: Service, Sendable {
    /// Tuning, with defaults for production.
    public struct Configuration: Sendable {
        /// The state folder: the default registry is `STATE/registry/<monitor>`.
        public var stateFolder: String
        /// Episodes driven at once across all monitors, at most.
        public var maxConcurrent = 1
        /// After an attempt's timeout, how long its process group has between SIGTERM and SIGKILL.
        public var killGrace: Duration = .seconds(10)
        /// How often an idle service looks at the queue when nobody woke it.
        public var pollInterval: Duration = .milliseconds(250)

        public init(stateFolder: String) { self.stateFolder = stateFolder }
    }

    private let configuration: Configuration
    private let store: StateStore
    private let logger: Logger
    private let rules: @Sendable () -> [MonitorRule]
    private let onAlert: @Sendable (Alert) -> Void
    private let onRebaselineRequested: @Sendable () -> Void
    private let journal = JournalSink()
    private let workQueued = Atomic<Bool>(true)
    /// Monitors whose episode a task is driving.
    private let driving = Mutex<Set<String>>([])

    /// `rules` gives the rules in force (they change on reload); `onAlert` is called with each alert
    /// once it is committed (metrics, and to wake the webhook dispatcher); `onRebaselineRequested`
    /// after a promotion stored a rebaseline request (`after_promotion: "rebaseline"`) for the ingest loop.
    public init(configuration: Configuration, store: StateStore, logger: Logger, rules: @escaping @Sendable () -> [MonitorRule],
                onAlert: @escaping @Sendable (Alert) -> Void = { _ in }, onRebaselineRequested: @escaping @Sendable () -> Void = {}) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.rules = rules
        self.onAlert = onAlert
        self.onRebaselineRequested = onRebaselineRequested
    }

    /// Says that triggers were queued (after an ingest round committed some).
    public func wake() {
        workQueued.store(true, ordering: .relaxed)
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            var lastLook = ContinuousClock.now
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let woken = workQueued.exchange(false, ordering: .relaxed)
                // Triggers are always queued with a wake-up; the periodic look is a safety net.
                guard woken || ContinuousClock.now - lastLook > .seconds(30) else {
                    try? await Task.sleep(for: configuration.pollInterval)
                    continue
                }
                lastLook = .now
                do {
                    try admitQueuedTriggers()
                    // An episode whose monitor has no retrain rule now waits until it has one again.
                    for episode in try store.episodes(running: true) where rule(episode.monitor)?.retrain != nil {
                        let started = driving.withLock { monitors in
                            guard !monitors.contains(episode.monitor), monitors.count < configuration.maxConcurrent else { return false }
                            monitors.insert(episode.monitor)
                            return true
                        }
                        guard started else { continue }
                        group.addTask {
                            await self.drive(episode)
                            self.driving.withLock { _ = $0.remove(episode.monitor) }
                            self.wake()
                        }
                    }
                } catch {
                    logger.error("retrain: state database: \(error)")
                }
            }
        }
    }

    // MARK: Triggers

    /// Starts an episode for each queued trigger the rule admits; records the others as suppressed.
    private func admitQueuedTriggers() throws {
        for queued in try store.queuedTriggers() {
            let now = Date().timeIntervalSince1970
            var step = StateStore.Step(monitor: queued.monitor)
            guard let rule = rule(queued.monitor), let retrain = rule.retrain else {
                step.settledTriggers = [.init(id: queued.id, state: "suppressed", reason: "the monitor has no retrain rule now")]
                try store.commit([step], now: now)
                continue
            }
            let registry = ModelRegistry(root: registryRoot(rule))
            let latest = try store.episodes(monitor: queued.monitor).last
            switch RetrainEpisode.admits(triggerAt: queued.trigger.at, latest: latest, cooldown: retrain.cooldown) {
            case .suppressed(let reason):
                step.settledTriggers = [.init(id: queued.id, state: "suppressed", reason: reason)]
                try store.commit([step], now: now)
                audit(registry, AuditEntry(time: RegistryTime.rfc3339(now), action: "trigger_suppressed", monitor: rule.monitor, episode: latest?.id, metric: retrain.metric.rawValue, production: queued.trigger.productionValue, reason: "\(queued.trigger.summary): \(reason)"))
            case .start:
                let episode = RetrainEpisode(id: try store.nextEpisodeID(), monitor: rule.monitor, trigger: queued.trigger,
                                             metric: retrain.metric.rawValue, maxAttempts: retrain.maxAttempts, startedAt: now)
                step.settledTriggers = [.init(id: queued.id, state: "started", episode: episode.id)]
                let where_ = queued.trigger.window.map { " in window \($0)" } ?? ""
                let production = queued.trigger.productionValue.map { ", production \(retrain.metric.rawValue) \(AlertRaiser.format($0))" } ?? ""
                let alert = Alert(monitor: rule.monitor, kind: .retrainStarted, window: queued.trigger.window, metric: retrain.metric.rawValue,
                                  threshold: queued.trigger.productionValue,
                                  message: "\(rule.monitor): retrain episode \(episode.id) started by \(queued.trigger.summary)\(where_)\(production); up to \(episode.maxAttempts) attempts")
                try commit(episode, alert: alert, key: "episode-\(episode.id)/started", rule: rule, step: step, now: now)
                audit(registry, AuditEntry(time: RegistryTime.rfc3339(now), action: "episode_started", monitor: rule.monitor, episode: episode.id, metric: episode.metric, production: queued.trigger.productionValue, reason: alert.message))
                logger.info("retrain episode started", metadata: ["monitor": "\(rule.monitor)", "episode": "\(episode.id)", "trigger": "\(queued.trigger.summary)"])
            }
        }
    }

    // MARK: Episodes

    /// Runs an episode's next steps until it ends, the daemon stops, or its rule is gone.
    private func drive(_ start: RetrainEpisode) async {
        var episode = start
        if episode.attemptsBegun > 0, let rule = rule(episode.monitor) {
            audit(ModelRegistry(root: registryRoot(rule)),
                  AuditEntry(time: RegistryTime.now(), action: "episode_resumed", monitor: episode.monitor, episode: episode.id,
                             attempt: episode.attemptsBegun, reason: "driftd started with the episode running"))
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            guard let rule = rule(episode.monitor), let retrain = rule.retrain else {
                logger.warning("retrain episode paused: the monitor has no retrain rule now", metadata: ["monitor": "\(episode.monitor)", "episode": "\(episode.id)"])
                return
            }
            let registry = ModelRegistry(root: registryRoot(rule))
            do {
                switch episode.nextAction {
                case .none:
                    return
                case .settleInterrupted(let attempt):
                    try await settleInterrupted(&episode, attempt: attempt, rule: rule, retrain: retrain, registry: registry)
                case .runAttempt(let attempt):
                    try await run(&episode, attempt: attempt, rule: rule, retrain: retrain, registry: registry)
                case .exhaust:
                    let now = Date().timeIntervalSince1970
                    episode.exhaust(at: now)
                    let last = episode.failures.last ?? "no attempt ran"
                    let alert = Alert(monitor: rule.monitor, kind: .retrainExhausted, window: episode.trigger.window, metric: episode.metric,
                                      threshold: episode.trigger.productionValue,
                                      message: "\(rule.monitor): all \(episode.maxAttempts) retrain attempts of episode \(episode.id) failed; the production model stays and needs attention (last: \(last))")
                    try commit(episode, alert: alert, key: "episode-\(episode.id)/exhausted", rule: rule, now: now)
                    audit(registry, AuditEntry(time: RegistryTime.rfc3339(now), action: "exhausted", monitor: rule.monitor, episode: episode.id, metric: episode.metric, production: episode.trigger.productionValue, reason: alert.message))
                    logger.error("retrain exhausted", metadata: ["monitor": "\(rule.monitor)", "episode": "\(episode.id)"])
                }
            } catch {
                // The store refused a commit (a full disk?): try again a little later, from what is stored.
                logger.error("retrain: \(error)", metadata: ["monitor": "\(episode.monitor)", "episode": "\(episode.id)"])
                try? await Task.sleep(for: .seconds(5))
                return
            }
        }
    }

    /// An attempt begun before a crash or stop: if its candidate was registered, the promotion is
    /// finished; otherwise the attempt failed.
    private func settleInterrupted(_ episode: inout RetrainEpisode, attempt: Int, rule: MonitorRule, retrain: MonitorRule.Retrain,
                                   registry: ModelRegistry) async throws {
        if let version = try? registry.versions().last(where: { $0.episode == episode.id && $0.attempt == attempt }) {
            try await promote(&episode, version: version, rule: rule, retrain: retrain, registry: registry)
            return
        }
        let workdir = registry.workdirPath(episode: episode.id, attempt: attempt)
        registry.removeWorkdir(workdir)
        try? FileManager.default.removeItem(atPath: Self.dataPath(workdir: workdir))
        try fail(&episode, attempt: attempt, reason: "interrupted: driftd stopped during the attempt", value: nil, rule: rule, registry: registry)
    }

    /// The attempt's DRIFTD_DATA file, beside its workdir.
    static func dataPath(workdir: String) -> String { workdir + ".data.jsonl" }

    /// Runs attempt `attempt`: the command in a fresh workdir, then the check.
    private func run(_ episode: inout RetrainEpisode, attempt: Int, rule: MonitorRule, retrain: MonitorRule.Retrain,
                     registry: ModelRegistry) async throws {
        episode.begin(attempt: attempt)
        try commit(episode, alert: nil, key: "", rule: rule, now: Date().timeIntervalSince1970)
        audit(registry, AuditEntry(time: RegistryTime.rfc3339(Date().timeIntervalSince1970), action: "attempt_started", monitor: rule.monitor, episode: episode.id, attempt: attempt, metric: episode.metric, production: episode.trigger.productionValue))
        let workdir: String
        let dataPath = Self.dataPath(workdir: registry.workdirPath(episode: episode.id, attempt: attempt))
        let records: Int
        do {
            workdir = try registry.makeWorkdir(episode: episode.id, attempt: attempt)
            records = try TrainingData.write(rule: rule, store: store, limit: retrain.dataRecords, to: dataPath)
        } catch {
            try fail(&episode, attempt: attempt, reason: "could not prepare the attempt: \(error)", value: nil, rule: rule, registry: registry)
            return
        }
        defer { try? FileManager.default.removeItem(atPath: dataPath) }
        let workdirGuard = WorkdirGuard(registryRoot: registry.root, workdir: workdir)
        let before = workdirGuard.snapshot()
        let command = CommandRun(
            argv: Self.resolvedCommand(retrain.command, rule: rule),
            environment: ["DRIFTD_MONITOR": rule.monitor, "DRIFTD_ATTEMPT": String(attempt), "DRIFTD_WORKDIR": workdir,
                          "DRIFTD_DATA": dataPath, "DRIFTD_EPISODE": String(episode.id)],
            workingDirectory: workdir, timeout: .seconds(retrain.timeout))
        logger.info("retrain attempt started", metadata: ["monitor": "\(rule.monitor)", "episode": "\(episode.id)", "attempt": "\(attempt)",
                                                          "records": "\(records)"])
        let outcome = await runCommand(command, name: "retrain", monitor: rule.monitor, episode: episode.id, attempt: attempt)
        // Stopped by a daemon stop: the attempt stays begun, and is settled as interrupted on the next start.
        if Task.isShuttingDownGracefully { return }
        let violations = workdirGuard.violations(since: before)
        let verdict: CandidateCheck.Verdict
        if !outcome.succeeded {
            verdict = .loss(reason: "the retrain command \(outcome.description(timeout: command.timeout))", metrics: nil)
        } else if !violations.isEmpty {
            verdict = .loss(reason: "the retrain command wrote outside its workdir: \(violations.prefix(3).joined(separator: ", "))", metrics: nil)
        } else {
            let bound = rule.performance.first { $0.metric == retrain.metric }
            verdict = CandidateCheck(metric: retrain.metric.rawValue, lowerIsBetter: retrain.metric.lowerIsBetter,
                                     productionValue: episode.trigger.productionValue, minImprovement: retrain.minImprovement,
                                     min: bound?.min, max: bound?.max).judge(workdir: workdir)
        }
        switch verdict {
        case .loss(let reason, let metrics):
            registry.removeWorkdir(workdir)
            try fail(&episode, attempt: attempt, reason: reason, value: metrics?[episode.metric], rule: rule, registry: registry)
        case .win(_, let metrics):
            let now = Date().timeIntervalSince1970
            let metadata = VersionMetadata(monitor: rule.monitor, version: 0, episode: episode.id, attempt: attempt, metric: episode.metric,
                                           metrics: metrics, productionValue: episode.trigger.productionValue, trigger: episode.trigger.summary,
                                           triggerWindow: episode.trigger.window, createdAt: RegistryTime.rfc3339(now))
            let registered: VersionMetadata
            do {
                registered = try registry.register(workdir: workdir, metadata: metadata)
            } catch {
                try fail(&episode, attempt: attempt, reason: "the candidate won but could not be registered: \(error)", value: metrics[episode.metric],
                         rule: rule, registry: registry)
                return
            }
            audit(registry, AuditEntry(time: RegistryTime.rfc3339(now), action: "registered", monitor: rule.monitor, episode: episode.id, attempt: attempt, version: registered.version, metric: episode.metric, candidate: metrics[episode.metric], production: episode.trigger.productionValue))
            try await promote(&episode, version: registered, rule: rule, retrain: retrain, registry: registry)
        }
    }

    /// Points `current` at the registered winner, runs `promote_command`, ends the episode.
    private func promote(_ episode: inout RetrainEpisode, version: VersionMetadata, rule: MonitorRule, retrain: MonitorRule.Retrain,
                         registry: ModelRegistry) async throws {
        let attempt = version.attempt
        let candidate = version.metrics[episode.metric]
        do {
            try registry.promote(version: version.version)
        } catch {
            try fail(&episode, attempt: attempt, reason: "the candidate won but could not be promoted: \(error)", value: candidate, rule: rule, registry: registry)
            return
        }
        let now = Date().timeIntervalSince1970
        var note = ""
        if let promoteCommand = retrain.promoteCommand {
            let outcome = await runCommand(CommandRun(argv: Self.resolvedCommand(promoteCommand, rule: rule),
                                                      environment: ["DRIFTD_MONITOR": rule.monitor, "DRIFTD_VERSION": String(version.version),
                                                                    "DRIFTD_MODEL": registry.root + "/versions/\(version.version)"],
                                                      workingDirectory: registry.root, timeout: .seconds(retrain.timeout)),
                                           name: "promote", monitor: rule.monitor, episode: episode.id, attempt: attempt)
            if !outcome.succeeded {
                note = "; promote_command \(outcome)"
                audit(registry, AuditEntry(time: RegistryTime.rfc3339(now), action: "promote_command_failed", monitor: rule.monitor, episode: episode.id, attempt: attempt, version: version.version, reason: "promote_command \(outcome)"))
            }
        }
        episode.win(attempt: attempt, version: version.version, at: now)
        let production = episode.trigger.productionValue.map { " vs production \(AlertRaiser.format($0))" } ?? ""
        let alert = Alert(monitor: rule.monitor, kind: .modelPromoted, window: episode.trigger.window, metric: episode.metric,
                          value: candidate, threshold: episode.trigger.productionValue, attempt: attempt,
                          message: "\(rule.monitor): model version \(version.version) promoted (\(episode.metric) \(candidate.map(AlertRaiser.format) ?? "?")\(production), attempt \(attempt) of episode \(episode.id))\(note)")
        var step = StateStore.Step(monitor: rule.monitor)
        step.requestsRebaseline = retrain.afterPromotion == .rebaseline
        try commit(episode, alert: alert, key: "episode-\(episode.id)/promoted", rule: rule, step: step, now: now)
        if step.requestsRebaseline { onRebaselineRequested() }
        audit(registry, AuditEntry(time: RegistryTime.rfc3339(now), action: "promoted", monitor: rule.monitor, episode: episode.id, attempt: attempt, version: version.version, metric: episode.metric, candidate: candidate, production: episode.trigger.productionValue, reason: alert.message))
        logger.notice("model promoted", metadata: ["monitor": "\(rule.monitor)", "episode": "\(episode.id)", "version": "\(version.version)"])
    }

    /// Records a failed attempt with its `retrain_attempt_failed` alert.
    private func fail(_ episode: inout RetrainEpisode, attempt: Int, reason: String, value: Double?, rule: MonitorRule, registry: ModelRegistry) throws {
        let now = Date().timeIntervalSince1970
        episode.fail(attempt: attempt, reason: reason)
        let alert = Alert(monitor: rule.monitor, kind: .retrainAttemptFailed, window: episode.trigger.window, metric: episode.metric,
                          value: value, threshold: episode.trigger.productionValue, attempt: attempt,
                          message: "\(rule.monitor): retrain attempt \(attempt) of \(episode.maxAttempts) (episode \(episode.id)) failed: \(reason)")
        try commit(episode, alert: alert, key: "episode-\(episode.id)/failed-\(attempt)", rule: rule, now: now)
        audit(registry, AuditEntry(time: RegistryTime.rfc3339(now), action: "attempt_failed", monitor: rule.monitor, episode: episode.id, attempt: attempt, metric: episode.metric, candidate: value, production: episode.trigger.productionValue, reason: reason))
        logger.warning("retrain attempt failed", metadata: ["monitor": "\(rule.monitor)", "episode": "\(episode.id)", "attempt": "\(attempt)", "reason": "\(reason)"])
    }

    // MARK: Edges

    /// Commits the episode as it now is, with its alert (stored for journald, queued for the webhooks).
    private func commit(_ episode: RetrainEpisode, alert: Alert?, key: String, rule: MonitorRule, step: StateStore.Step? = nil, now: Double) throws {
        var step = step ?? StateStore.Step(monitor: episode.monitor)
        step.episode = episode
        if let alert {
            step.alerts = [(Report.json(alert).serialized(pretty: false), try JSONEncoder().encode(alert))]
            step.deliveries = MonitorRunner.deliveries(of: .event(alert, key: key, at: now), alertIndex: 0, rule: rule, now: now)
        }
        try store.commit([step], now: now)
        if let alert { onAlert(alert) }
    }

    /// Runs a command with its output going to journald line by line; a daemon stop ends its process group.
    private func runCommand(_ command: CommandRun, name: String, monitor: String, episode: Int64, attempt: Int?) async -> CommandOutcome {
        var command = command
        command.killGrace = configuration.killGrace
        let journal = self.journal
        let group = Mutex<pid_t?>(nil)
        return await withGracefulShutdownHandler {
            await CommandRunner.run(command, onLine: { stream, line in
                _ = journal.send(JournalEntry(commandOutput: line, stream: stream.rawValue, command: name, monitor: monitor, episode: episode, attempt: attempt))
            }, onStart: { pid in group.withLock { $0 = pid } })
        } onGracefulShutdown: {
            if let pid = group.withLock({ $0 }) { kill(-pid, SIGTERM) }
        }
    }

    /// The rule in force for `monitor`.
    private func rule(_ monitor: String) -> MonitorRule? {
        rules().first { $0.monitor == monitor }
    }

    /// The registry folder: the rule's `retrain.registry` (relative to the rule file), or `STATE/registry/<monitor>`.
    private func registryRoot(_ rule: MonitorRule) -> String {
        Self.registryRoot(rule, stateFolder: configuration.stateFolder)
    }

    /// The registry folder of a rule's monitor (also what `driftd registry` uses).
    public static func registryRoot(_ rule: MonitorRule, stateFolder: String) -> String {
        guard let path = rule.retrain?.registry else { return stateFolder + "/registry/" + rule.monitor }
        return StreamFiles.absolute(path, relativeTo: StreamFiles.directory(of: rule.sourcePath))
    }

    /// argv with a relative program path (one with a slash) resolved against the rule file's folder.
    public static func resolvedCommand(_ argv: [String], rule: MonitorRule) -> [String] {
        guard let program = argv.first, program.contains("/"), !program.hasPrefix("/") else { return argv }
        return [StreamFiles.absolute(program, relativeTo: StreamFiles.directory(of: rule.sourcePath))] + argv.dropFirst()
    }

    private func audit(_ registry: ModelRegistry, _ entry: AuditEntry) {
        do { try registry.appendAudit(entry) } catch { logger.error("retrain: audit log: \(error)", metadata: ["monitor": "\(entry.monitor)"]) }
    }
}
