/// One run of a retrain or promote command: argv (no shell), extra environment, working directory, timeout.
///
/// `argv[0]` is resolved the way `execvp(3)` would resolve it in the child, after it has changed into
/// `workingDirectory`: a name without `/` is searched in the `PATH` of the child's environment (the
/// daemon's `PATH` unless `environment` overrides it; empty `PATH` entries are skipped); a name with
/// `/` is used as a path, a relative one being taken relative to `workingDirectory`. Callers should
/// pass absolute paths. No shell ever sees the arguments.
public struct CommandRun: Sendable {
    /// The program and its arguments, passed to the program as they are.
    public var argv: [String]
    /// Added to (and overriding) the daemon's own environment.
    public var environment: [String: String]
    /// The folder the command runs in.
    public var workingDirectory: String
    /// How long the command may run before its process group is ended.
    public var timeout: Duration
    /// After the timeout: SIGTERM to the whole process group, then SIGKILL after this grace period.
    public var killGrace: Duration = .seconds(10)

    /// Creates a command run; `killGrace` keeps its default of 10 s unless set afterwards.
    public init(argv: [String], environment: [String: String] = [:], workingDirectory: String, timeout: Duration) {
        self.argv = argv
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
    }
}
