import Foundation
import Glibc
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs retrain and promote commands as child processes in their own process group.
///
/// Process-group handling (why: a retrain script often starts helpers, and those must not outlive it):
/// - the child is the leader of a new process group (`setpgid(0, 0)` at spawn); stdin is `/dev/null`;
/// - at the timeout the whole group gets SIGTERM, and SIGKILL after ``CommandRun/killGrace`` if the
///   leader has not exited by then;
/// - as soon as the leader has exited, whatever is left in its group gets SIGKILL: a background
///   child can neither keep running nor hold the output pipes open (swift-subprocess stops reading
///   the pipes when the leader exits). The group is signalled while the leader is still an unreaped
///   zombie where possible, so the group id cannot be reused meanwhile;
/// - if the calling task is cancelled, swift-subprocess ends the group (SIGTERM, then SIGKILL after
///   ``CommandRun/killGrace``) and the outcome reports how the leader ended.
public enum CommandRunner {
    /// Runs the command in a new process group; each complete stdout/stderr line (UTF-8, lossy; a final line without newline too; lines longer than 64 KiB cut) is handed to `onLine` as it comes.
    /// When the leader exits, any process left in its group is killed (SIGKILL) so a background child cannot keep running or hold the pipes open.
    ///
    /// - Parameters:
    ///   - command: What to run.
    ///   - onLine: Called for each line, in order within each stream; the two streams are read
    ///     concurrently, so calls for stdout and stderr may overlap and come from any thread.
    ///   - onStart: Called once with the leader's pid (which is also the process group id) right after spawn.
    /// - Returns: How the command ended; never throws: a spawn failure is `.couldNotStart`.
    public static func run(
        _ command: CommandRun,
        onLine: @escaping @Sendable (OutputStreamName, String) -> Void,
        onStart: (@Sendable (Int32) -> Void)? = nil
    ) async -> CommandOutcome {
        let environmentPath = command.environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"]
        let executable: String
        switch ExecutableResolver.resolve(command.argv.first ?? "", workingDirectory: command.workingDirectory, path: environmentPath) {
        case .success(let path): executable = path
        case .failure(let failure): return .couldNotStart(failure.message)
        }
        if let bad = command.environment.keys.sorted().first(where: { $0.isEmpty || $0.contains("=") || $0.utf8.contains(0) }) {
            return .couldNotStart("invalid environment variable name '\(bad)'")
        }
        let state = RunControl()
        return await withTaskGroup(of: CommandOutcome?.self) { group in
            group.addTask {
                await runProcess(command, executable: executable, state: state, onLine: onLine, onStart: onStart)
            }
            group.addTask {
                await enforceTimeout(command, state: state)
                return nil
            }
            var outcome = CommandOutcome.couldNotStart("internal error: the run ended without an outcome")
            while let next = await group.next() {
                if let next {
                    outcome = next
                    group.cancelAll()
                }
            }
            return outcome
        }
    }

    /// Spawns the command, pumps its output into lines, and cleans up its process group.
    private static func runProcess(
        _ command: CommandRun,
        executable: String,
        state: RunControl,
        onLine: @escaping @Sendable (OutputStreamName, String) -> Void,
        onStart: (@Sendable (Int32) -> Void)?
    ) async -> CommandOutcome {
        var options = PlatformOptions()
        options.processGroupID = 0
        // Used by swift-subprocess only if our task is cancelled.
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: command.killGrace)]
        var overrides: [Environment.Key: String?] = [:]
        for (name, value) in command.environment {
            guard let key = Environment.Key(rawValue: name) else {
                return .couldNotStart("invalid environment variable name '\(name)'")
            }
            overrides[key] = value
        }
        let configuration = Configuration(
            executable: .path(FilePath(executable)),
            arguments: Arguments(executablePathOverride: command.argv[0], remainingValues: Array(command.argv.dropFirst())),
            environment: .inherit.updating(overrides),
            workingDirectory: FilePath(command.workingDirectory),
            platformOptions: options
        )
        let status: TerminationStatus
        do {
            let result = try await Subprocess.run(configuration, input: .none, output: .sequence, error: .sequence) { execution in
                let pid = execution.processIdentifier.value
                let alreadyTimedOut = state.started(pid: pid)
                if alreadyTimedOut { _ = kill(-pid, SIGKILL) }
                onStart?(pid)
                await withTaskGroup(of: Void.self) { pumps in
                    pumps.addTask { await pump(execution.standardOutput, as: .stdout, to: onLine) }
                    pumps.addTask { await pump(execution.standardError, as: .stderr, to: onLine) }
                }
                // Both pipes are closed or abandoned. If the leader is gone (a zombie until
                // swift-subprocess reaps it), end the rest of its group now.
                if leaderHasExited(pid) { _ = kill(-pid, SIGKILL) }
            }
            status = result.terminationStatus
        } catch {
            return .couldNotStart(String(describing: error))
        }
        let (pid, timedOut) = state.finished()
        // The leader is reaped; its group id stays reserved while any member lives, so this reaches
        // only leftovers of this command (or nobody: ESRCH).
        if let pid { _ = kill(-pid, SIGKILL) }
        if timedOut { return .timedOut }
        switch status {
        case .exited(let code): return .exited(code)
        case .signaled(let signal): return .signaled(signal)
        }
    }

    /// Sleeps until the timeout, then SIGTERM to the group, then SIGKILL after the grace period.
    private static func enforceTimeout(_ command: CommandRun, state: RunControl) async {
        do { try await Task.sleep(for: command.timeout) } catch { return }
        guard let pid = state.timeOut() else { return }
        _ = kill(-pid, SIGTERM)
        do { try await Task.sleep(for: command.killGrace) } catch { return }
        if let pid = state.runningPID { _ = kill(-pid, SIGKILL) }
    }

    /// Reads one output stream to its end and hands each line to `onLine`.
    private static func pump(
        _ stream: SubprocessOutputSequence,
        as name: OutputStreamName,
        to onLine: @Sendable (OutputStreamName, String) -> Void
    ) async {
        var splitter = LineSplitter()
        do {
            for try await buffer in stream {
                let bytes = buffer.withUnsafeBytes { Array($0) }
                for line in splitter.append(bytes) { onLine(name, line) }
            }
        } catch {
            // The stream was cut (the leader exited, or we were cancelled): deliver what we have.
        }
        if let last = splitter.finish() { onLine(name, last) }
    }

    /// Whether `pid` (our unreaped child) has exited, without reaping it.
    private static func leaderHasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else { return false }
        return info.si_signo == SIGCHLD  // stays 0 while the child is still running
    }
}
