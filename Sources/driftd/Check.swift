import ArgumentParser
import DriftRules

/// `driftd check FILE...`: validates rule files, printing compiler-style diagnostics.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate rule files.",
        discussion: "Prints one line per problem as FILE:LINE:COLUMN: error: MESSAGE. Exits 0 when every file is valid, 1 otherwise."
    )

    @Argument(help: "Rule files (JSON) to validate.")
    var files: [String]

    func run() throws {
        var invalid = 0
        for file in files {
            if case .failure(let list) = RuleLoader.load(path: file) {
                invalid += 1
                for diagnostic in list.diagnostics { print(diagnostic) }
            }
        }
        if invalid > 0 { throw ExitCode(1) }
    }
}
