import DriftRetrain
import Foundation
import Glibc
import Testing

@Suite("CommandRunner")
struct CommandRunnerTests {
    /// Runs `command`, collecting lines and the leader's pid.
    private func run(_ command: CommandRun) async -> (CommandOutcome, LineCollector, Int32?) {
        let lines = LineCollector()
        let pid = PIDBox()
        let outcome = await CommandRunner.run(command, onLine: { stream, line in
            lines.add(isStandardOutput: stream == .stdout, line)
        }, onStart: { pid.set($0) })
        return (outcome, lines, pid.pid)
    }

    @Test func exitZeroDeliversStdoutAndStderrLinesInOrderPerStream() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = try folder.script("talk.sh", """
            echo out1; echo err1 >&2; echo out2; echo err2 >&2; echo "out 3 é"
            """)
        let (outcome, lines, _) = await run(CommandRun(argv: [script], workingDirectory: folder.path, timeout: .seconds(20)))
        #expect(outcome == .exited(0))
        #expect(outcome.succeeded)
        #expect(lines.standardOutput == ["out1", "out2", "out 3 é"])
        #expect(lines.standardError == ["err1", "err2"])
    }

    @Test func nonZeroExitStatusIsReported() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = try folder.script("fail.sh", "exit 3")
        let (outcome, _, _) = await run(CommandRun(argv: [script], workingDirectory: folder.path, timeout: .seconds(20)))
        #expect(outcome == .exited(3))
        #expect(!outcome.succeeded)
        #expect(outcome.description == "exited with status 3")
    }

    @Test func crashIsReportedAsTheSignalThatEndedIt() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = try folder.script("crash.sh", "kill -SEGV $$")
        let (outcome, _, _) = await run(CommandRun(argv: [script], workingDirectory: folder.path, timeout: .seconds(20)))
        #expect(outcome == .signaled(SIGSEGV))
        #expect(outcome.description == "killed by signal \(SIGSEGV)")
    }

    @Test func environmentReachesTheChildAndOverridesTheDaemons() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = try folder.script("env.sh", #"echo "$HOME|$DRIFTD_MONITOR|$PATH""#)
        let command = CommandRun(
            argv: [script], environment: ["HOME": "/overridden-home", "DRIFTD_MONITOR": "fraud"],
            workingDirectory: folder.path, timeout: .seconds(20))
        let (outcome, lines, _) = await run(command)
        let inheritedPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
        #expect(outcome == .exited(0))
        #expect(lines.standardOutput == ["/overridden-home|fraud|\(inheritedPath)"])
    }

    @Test func argumentsArePassedLiterallyWithoutAShell() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = try folder.script("args.sh", #"pwd; for argument in "$@"; do printf '%s\n' "$argument"; done"#)
        let arguments = ["$(touch PWNED)", "a b", "*", "`touch PWNED2`; touch PWNED3"]
        let (outcome, lines, _) = await run(CommandRun(argv: [script] + arguments, workingDirectory: folder.path, timeout: .seconds(20)))
        #expect(outcome == .exited(0))
        #expect(lines.standardOutput == [folder.path] + arguments)
        let created = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("PWNED") }
        #expect(created.isEmpty)
    }

    @Test func hangIsEndedAtTheTimeoutWithItsWholeGroup() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = try folder.script("hang.sh", "sleep 1000 & echo $!; wait")
        let clock = ContinuousClock()
        let start = clock.now
        let (outcome, lines, pid) = await run(CommandRun(argv: [script], workingDirectory: folder.path, timeout: .seconds(1)))
        let elapsed = (clock.now - start).seconds
        #expect(outcome == .timedOut)
        #expect(outcome.description(timeout: .seconds(1)) == "timed out after 1s: its process group was ended")
        #expect(elapsed >= 1, "took \(elapsed) s")
        #expect(lines.standardOutput.count == 1)
        let group = try #require(pid)
        #expect(await processGroupIsGone(group))
    }

    @Test func childIgnoringSigtermIsKilledAfterTheGracePeriod() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = try folder.script("stubborn.sh", "trap '' TERM; sleep 1000 & echo started; wait; wait; wait")
        var command = CommandRun(argv: [script], workingDirectory: folder.path, timeout: .milliseconds(500))
        command.killGrace = .milliseconds(500)
        let clock = ContinuousClock()
        let start = clock.now
        let (outcome, _, pid) = await run(command)
        let elapsed = (clock.now - start).seconds
        #expect(outcome == .timedOut)
        let timeoutPlusGrace = command.timeout.seconds + command.killGrace.seconds
        // Not ended before the grace period passed (no upper bound: a loaded machine may be slow).
        #expect(elapsed >= timeoutPlusGrace, "took \(elapsed) s")
        let group = try #require(pid)
        #expect(await processGroupIsGone(group))
    }

    @Test func backgroundGrandchildIsKilledWhenTheLeaderExits() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = try folder.script("orphan.sh", "sleep 1000 & echo $!; exit 0")
        let clock = ContinuousClock()
        let start = clock.now
        let (outcome, lines, pid) = await run(CommandRun(argv: [script], workingDirectory: folder.path, timeout: .seconds(30)))
        let elapsed = (clock.now - start).seconds
        // Exited, not timed out (30 s): the grandchild's `sleep 1000` did not keep the run going.
        #expect(outcome == .exited(0), "after \(elapsed) s")
        let grandchild = try #require(lines.standardOutput.first.flatMap { Int32($0) })
        let group = try #require(pid)
        #expect(await processGroupIsGone(group))
        #expect(kill(grandchild, 0) == -1 && errno == ESRCH)
    }

    @Test func missingExecutableCouldNotStart() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (absolute, _, _) = await run(CommandRun(argv: [folder.path + "/no-such-tool"], workingDirectory: folder.path, timeout: .seconds(5)))
        #expect(absolute == .couldNotStart(folder.path + "/no-such-tool: no such file"))
        let (byName, _, _) = await run(CommandRun(argv: ["driftd-no-such-tool"], workingDirectory: folder.path, timeout: .seconds(5)))
        guard case .couldNotStart(let reason) = byName else {
            Issue.record("expected couldNotStart, got \(byName)")
            return
        }
        #expect(reason.contains("no executable named 'driftd-no-such-tool' in PATH"))
    }

    @Test func fileWithoutExecutePermissionCouldNotStart() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("plain.sh", "#!/bin/sh\nexit 0\n")
        let (outcome, _, _) = await run(CommandRun(argv: [folder.path + "/plain.sh"], workingDirectory: folder.path, timeout: .seconds(5)))
        // Even root needs one execute bit for access(X_OK); this file has none.
        #expect(outcome == .couldNotStart(folder.path + "/plain.sh: not executable"))
    }

    @Test func invalidEnvironmentNameCouldNotStart() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = try folder.script("ok.sh", "exit 0")
        let (outcome, _, _) = await run(CommandRun(argv: [script], environment: ["A=B": "x"], workingDirectory: folder.path, timeout: .seconds(5)))
        #expect(outcome == .couldNotStart("invalid environment variable name 'A=B'"))
    }

    @Test func finalLineWithoutNewlineIsDelivered() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = try folder.script("tail.sh", "printf 'first\\nlast-no-newline'; printf 'err-no-newline' >&2")
        let (outcome, lines, _) = await run(CommandRun(argv: [script], workingDirectory: folder.path, timeout: .seconds(20)))
        #expect(outcome == .exited(0))
        #expect(lines.standardOutput == ["first", "last-no-newline"])
        #expect(lines.standardError == ["err-no-newline"])
    }

    @Test func stdinIsDevNull() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = try folder.script("stdin.sh", "if read line; then echo got; else echo eof; fi")
        let (outcome, lines, _) = await run(CommandRun(argv: [script], workingDirectory: folder.path, timeout: .seconds(20)))
        #expect(outcome == .exited(0))
        #expect(lines.standardOutput == ["eof"])
    }

    @Test func relativeProgramPathIsTakenFromTheWorkingDirectory() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try folder.script("here.sh", "echo here")
        let (outcome, lines, _) = await run(CommandRun(argv: ["./here.sh"], workingDirectory: folder.path, timeout: .seconds(20)))
        #expect(outcome == .exited(0))
        #expect(lines.standardOutput == ["here"])
    }
}
