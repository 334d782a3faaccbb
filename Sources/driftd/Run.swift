import ArgumentParser
import DriftDaemon
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// `driftd run`: the daemon (CONTRACT.md §3).
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow every monitor's prediction and label logs and evaluate windows as they complete.",
        discussion: """
            Reads every *.json rule file directly in the rules folder. SIGHUP re-reads them (an invalid file refuses \
            the whole reload and the old rules stay); SIGTERM stops after committing state. State lives in one \
            SQLite database in the state folder. See docs/daemon.md.
            """
    )

    @Option(help: "The folder of rule files.")
    var rules = "/etc/driftd/rules.d"

    @Option(help: "The state folder (default: $STATE_DIRECTORY, or /var/lib/driftd).")
    var state: String?

    @Option(help: "Where to serve /metrics, /healthz and /status (HOST:PORT; port 0 picks a free one).")
    var listen = "127.0.0.1:9464"

    @Flag(help: "Allow --listen on an address that is not loopback.")
    var allowNonLoopback = false

    @Option(help: "Retrain episodes run at once across all monitors, at most.")
    var maxRetrains = 1

    func run() async throws {
        // First: a SIGHUP during start-up (rules are being read right now) must not end the process.
        signal(SIGHUP, SIG_IGN)
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "driftd")
        let address: ListenAddress
        do {
            address = try ListenAddress(parsing: listen)
            try address.validate(allowNonLoopback: allowNonLoopback)
        } catch {
            printError("driftd: error: --listen: \(error)")
            throw ExitCode(1)
        }
        let startTime = Date()
        let metrics = DaemonMetrics(version: Driftd.configuration.version, startTime: startTime)
        let ingest: IngestService
        let dispatcher = Mutex<WebhookDispatcher?>(nil)
        let retrainer = Mutex<RetrainService?>(nil)
        do {
            ingest = try IngestService(configuration: .init(rulesFolder: rules, stateFolder: stateFolder(state)), logger: logger,
                                       onRound: { metrics.record($0) },
                                       onDeliveriesQueued: { dispatcher.withLock { $0?.wake() } },
                                       onTriggersQueued: { retrainer.withLock { $0?.wake() } },
                                       onReload: { succeeded, monitors in
                                           metrics.reload(succeeded: succeeded)
                                           metrics.monitorsLoaded(monitors)
                                       })
        } catch {
            printError("driftd: error: \(error.description)")
            throw ExitCode(1)
        }
        metrics.monitorsLoaded(ingest.monitorNames)
        let webhooks = WebhookDispatcher(store: ingest.store, logger: logger, onAttempt: { metrics.webhookAttempted($0) })
        dispatcher.withLock { $0 = webhooks }
        var retrainConfiguration = RetrainService.Configuration(stateFolder: stateFolder(state))
        retrainConfiguration.maxConcurrent = max(1, maxRetrains)
        let retrain = RetrainService(configuration: retrainConfiguration, store: ingest.store, logger: logger, rules: { ingest.rules },
                                     onAlert: { alert in
                                         metrics.alertRaised(alert)
                                         webhooks.wake()
                                     },
                                     onRebaselineRequested: { ingest.rebaselineQueued() })
        retrainer.withLock { $0 = retrain }
        let http: HTTPService
        do {
            http = try HTTPService(configuration: .init(listen: address, allowNonLoopback: allowNonLoopback), metrics: metrics,
                                   status: { ingest.status(version: Driftd.configuration.version, startTime: startTime) },
                                   healthy: { ingest.isHealthy }, logger: logger,
                                   onListening: { logger.info("serving /metrics, /healthz, /status and /report/MONITOR", metadata: ["address": "\($0)"]) },
                                   report: { [stateFolder = stateFolder(state)] monitor, windows in
                                       try StoredReport.html(monitor: monitor, stateFolder: stateFolder, windowLimit: windows)
                                   })
        } catch {
            printError("driftd: error: --listen: \(error)")
            throw ExitCode(1)
        }
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { ingest.requestReload() }
        hangup.resume()
        // Services stop in reverse order: retrain commands are ended first, the ingest loop commits and stops,
        // then webhook delivery, HTTP last.
        let group = ServiceGroup(services: [http, webhooks, ingest, retrain], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        try await group.run()
    }
}
