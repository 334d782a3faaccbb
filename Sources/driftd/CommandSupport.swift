import ArgumentParser
import Foundation

/// The state folder: `--state`, else the first folder of `$STATE_DIRECTORY` (systemd's
/// `StateDirectory=`, colon-separated when it names several), else /var/lib/driftd.
func stateFolder(_ option: String?) -> String {
    option ?? ProcessInfo.processInfo.environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init)
        ?? "/var/lib/driftd"
}

/// Writes a report's text to `path`, or to standard output for "-"; exit 1 with a message when it cannot.
func writeReport(_ text: String, to path: String) throws {
    if path == "-" {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        printError("driftd: error: cannot write the report to \(path): \(error.localizedDescription)")
        throw ExitCode(1)
    }
}
