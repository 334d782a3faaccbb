import ArgumentParser

/// The `driftd` command line (CONTRACT.md §3).
@main
struct Driftd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driftd",
        abstract: "Watches ML prediction and label logs for data drift, concept drift and performance decay.",
        version: "0.1.0",
        subcommands: [Check.self, Replay.self, Run.self, Status.self, ReportCommand.self, AlertsCommand.self, RegistryCommand.self]
    )
}
