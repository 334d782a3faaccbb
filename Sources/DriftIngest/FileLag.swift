/// How far behind the tailer is on one file (for `driftd_ingest_lag_*` metrics), as of the last poll.
public struct FileLag: Sendable, Equatable {
    public var path: String
    /// Bytes in the file after the last line handed out (an unterminated last line included).
    public var unreadBytes: Int64
    /// 0 when nothing is unread; otherwise the time since the tailer last had read everything in
    /// the file, an upper bound on the age of the oldest unread byte.
    public var seconds: Double
}
