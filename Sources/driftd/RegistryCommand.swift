import ArgumentParser
import DriftDaemon
import DriftEngine
import DriftRetrain
import DriftRules
import DriftStore
import Foundation

/// `driftd registry list|show|promote|rollback MONITOR [VERSION]`: a monitor's model registry for people
/// (CONTRACT.md §7, docs/retrain.md). A promotion or rollback switches `current` atomically, runs the
/// rule's `promote_command`, and is appended to the audit log with the person who asked.
struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "List, show, promote and roll back a monitor's model versions.",
        subcommands: [List.self, Show.self, Promote.self, Rollback.self]
    )

    /// Which registry: the monitor's, found from its rule in the state database, or given.
    struct Location: ParsableArguments {
        @Argument(help: "The monitor.")
        var monitor: String

        @Option(help: "The state folder (default: $STATE_DIRECTORY, or /var/lib/driftd).")
        var state: String?

        @Option(help: "The registry folder (default: the monitor rule's retrain.registry, or STATE/registry/MONITOR).")
        var registry: String?

        /// The monitor's rule as the daemon stored it, when there is one.
        func rule() -> MonitorRule? {
            guard let store = try? StateStore(folder: stateFolder(state), readOnly: true),
                  let stored = try? store.rule(monitor: monitor),
                  case .success(let rule) = RuleLoader.load(bytes: Array(stored.text.utf8), path: stored.path) else { return nil }
            return rule
        }

        func open() -> ModelRegistry {
            if let registry { return ModelRegistry(root: registry) }
            if let rule = rule() { return ModelRegistry(root: RetrainService.registryRoot(rule, stateFolder: stateFolder(state))) }
            return ModelRegistry(root: stateFolder(state) + "/registry/" + monitor)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the versions, the current one marked with '*'.")
        @OptionGroup var location: Location
        @Flag(help: "One JSON object per line (each version's metadata.json, with \"current\").")
        var json = false

        func run() throws {
            let registry = location.open()
            let (versions, current) = try failing { (try registry.versions(), try registry.currentVersion()) }
            if versions.isEmpty && !json { print("\(location.monitor): no model versions in \(registry.root)") }
            for version in versions {
                if json {
                    var object = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(version))) as? [String: Any] ?? [:]
                    object["current"] = version.version == current
                    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    let value = version.metrics[version.metric].map { "\(version.metric) \(AlertRaiser.format($0))" } ?? version.metric
                    let production = version.productionValue.map { " (production \(AlertRaiser.format($0)))" } ?? ""
                    print("\(version.version == current ? "*" : " ") \(version.version)  \(version.createdAt)  episode \(version.episode) attempt \(version.attempt)  \(value)\(production)  trigger: \(version.trigger)")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a version's metadata and files (default: the current version).")
        @OptionGroup var location: Location
        @Argument(help: "The version (default: current).")
        var version: Int?

        func run() throws {
            let registry = location.open()
            let number = try failing { try version ?? registry.currentVersion() }
            guard let number else {
                printError("driftd: error: \(location.monitor): no current version in \(registry.root)")
                throw ExitCode(1)
            }
            let metadata = try failing { try registry.metadata(version: number) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: (try? encoder.encode(metadata)) ?? Data(), as: UTF8.self))
            let folder = registry.root + "/versions/\(number)"
            let files = (try? FileManager.default.subpathsOfDirectory(atPath: folder))?.sorted() ?? []
            print("files in \(folder):")
            for file in files { print("  " + file) }
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a version current (and run the rule's promote_command).")
        @OptionGroup var location: Location
        @Argument(help: "The version to make current.")
        var version: Int
        @Flag(help: "Do not run the rule's promote_command.")
        var skipPromoteCommand = false

        func run() async throws {
            try await switchCurrent(location, to: version, action: "manual_promote", skipPromoteCommand: skipPromoteCommand)
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make the previously promoted version current again (or the one given).")
        @OptionGroup var location: Location
        @Argument(help: "The version to go back to (default: the one promoted before the current one).")
        var version: Int?
        @Flag(help: "Do not run the rule's promote_command.")
        var skipPromoteCommand = false

        func run() async throws {
            let registry = location.open()
            let target = try failing { try version ?? registry.previousPromotedVersion() }
            guard let target else {
                printError("driftd: error: \(location.monitor): no earlier promoted version to roll back to (see `driftd registry list \(location.monitor)`)")
                throw ExitCode(1)
            }
            try await switchCurrent(location, to: target, action: "rollback", skipPromoteCommand: skipPromoteCommand)
        }
    }
}

/// Points `current` at `version`, audits it as `action` by the person running the command, then runs
/// the rule's promote_command (its output goes to this terminal).
private func switchCurrent(_ location: RegistryCommand.Location, to version: Int, action: String, skipPromoteCommand: Bool) async throws {
    let registry = location.open()
    let before = try failing { try registry.currentVersion() }
    try failing { try registry.promote(version: version) }
    let actor = "user:" + (["SUDO_USER", "USER", "LOGNAME"].lazy.compactMap { ProcessInfo.processInfo.environment[$0] }.first ?? "uid-\(getuid())")
    let now = Date().timeIntervalSince1970
    let reason = "\(action == "rollback" ? "rolled back" : "promoted") by hand from version \(before.map(String.init) ?? "none") to \(version)"
    try failing {
        try registry.appendAudit(AuditEntry(time: RegistryTime.rfc3339(now), actor: actor, action: action, monitor: location.monitor, version: version, reason: reason))
    }
    print("\(location.monitor): current is now version \(version) (was \(before.map(String.init) ?? "none"))")
    guard !skipPromoteCommand, let rule = location.rule(), let command = rule.retrain?.promoteCommand else { return }
    let outcome = await CommandRunner.run(
        CommandRun(argv: RetrainService.resolvedCommand(command, rule: rule),
                   environment: ["DRIFTD_MONITOR": rule.monitor, "DRIFTD_VERSION": String(version), "DRIFTD_MODEL": registry.root + "/versions/\(version)"],
                   workingDirectory: registry.root, timeout: .seconds(rule.retrain?.timeout ?? 1800)),
        onLine: { stream, line in
            if stream == .stderr { printError(line) } else { print(line) }
        })
    if !outcome.succeeded {
        try? registry.appendAudit(AuditEntry(time: RegistryTime.rfc3339(Date().timeIntervalSince1970), actor: actor, action: "promote_command_failed",
                                             monitor: location.monitor, version: version, reason: "promote_command \(outcome)"))
        printError("driftd: error: promote_command \(outcome)")
        throw ExitCode(1)
    }
}

/// Runs `body`; a registry error is printed and exits 1.
private func failing<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        printError("driftd: error: \(error)")
        throw ExitCode(1)
    }
}
