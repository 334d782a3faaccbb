import Glibc
import Synchronization

/// What the runner and its timeout task share about one run, under a lock.
final class RunControl: Sendable {
    private struct State {
        var pid: pid_t?
        var isFinished = false
        var timedOut = false
    }

    private let state = Mutex(State())

    /// The process group to signal while the run is still going.
    var runningPID: pid_t? {
        state.withLock { $0.isFinished ? nil : $0.pid }
    }

    /// Records the spawned leader; returns true when the timeout already passed before the spawn completed.
    func started(pid: pid_t) -> Bool {
        state.withLock {
            $0.pid = pid
            return $0.timedOut
        }
    }

    /// Marks the run as timed out unless it already finished; returns the group to signal, if known.
    func timeOut() -> pid_t? {
        state.withLock {
            guard !$0.isFinished else { return nil }
            $0.timedOut = true
            return $0.pid
        }
    }

    /// Marks the run as finished; returns its pid and whether it had timed out.
    func finished() -> (pid: pid_t?, timedOut: Bool) {
        state.withLock {
            $0.isFinished = true
            return ($0.pid, $0.timedOut)
        }
    }
}
