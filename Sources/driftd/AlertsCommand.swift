import ArgumentParser
import DriftDaemon
import DriftEngine
import DriftRules
import Foundation

/// `driftd alerts [--monitor M] [--since 1h]`: recent alerts from the state database.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List the alerts the daemon raised, oldest first, with their webhook deliveries."
    )

    @Option(help: "Only this monitor's alerts.")
    var monitor: String?

    @Option(help: "Only alerts raised within this duration (e.g. 90s, 30m, 6h, 7d).")
    var since: String?

    @Option(help: "The state folder (default: $STATE_DIRECTORY, or /var/lib/driftd).")
    var state: String?

    @Flag(help: "One JSON object per line (the report's alert objects, with \"raised_at\" and \"deliveries\").")
    var json = false

    func run() throws {
        var from = 0.0
        if let since {
            guard let seconds = DurationParser.seconds(since) else {
                printError("driftd: error: --since: not a duration: \(since) (e.g. 90s, 30m, 6h, 7d)")
                throw ExitCode(1)
            }
            from = Date().timeIntervalSince1970 - seconds
        }
        let entries: [StoredAlerts.Entry]
        do {
            entries = try StoredAlerts.list(stateFolder: stateFolder(state), monitor: monitor, since: from)
        } catch {
            printError("driftd: error: \(error.description)")
            throw ExitCode(1)
        }
        for entry in entries {
            let time = Timestamp.format(entry.raisedAt)
            if json {
                let deliveries = JSONOutput.array(entry.deliveries.map { delivery in
                    .object([("receiver", .string(delivery.receiver)), ("format", .string(delivery.format)), ("state", .string(delivery.state)),
                             ("attempts", .int(delivery.attempts)), ("last_error", delivery.lastError.map(JSONOutput.string) ?? .null)])
                })
                print("{\"raised_at\":\"\(time)\",\"deliveries\":\(deliveries.serialized())," + entry.json.dropFirst())
            } else {
                print("\(time)  \(entry.alert.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(entry.alert.kind.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0))  \(entry.alert.message)")
                for delivery in entry.deliveries { print("    -> " + delivery.summary) }
            }
        }
    }
}
