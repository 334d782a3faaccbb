import CSystemd
public import DriftEngine
import Synchronization

/// Writes alerts to the systemd journal, one entry per alert, with the fields of `JournalEntry`.
///
/// Sends through `sd_journal_sendv` (Swift cannot call the variadic `sd_journal_send`), which
/// writes a datagram to `/run/systemd/journal/socket` and does not wait for journald to store it.
/// A failure is not fatal: `send` throws a `JournalError` and the sink counts it in
/// `failureCount`. Copies of a sink share their counts.
public struct JournalSink: Sendable {
    private final class Counts: Sendable {
        let sent = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
    }

    private let counts = Counts()

    /// A sink writing to the local journal.
    public init() {}

    /// How many alerts journald has taken.
    public var sentCount: Int { counts.sent.load(ordering: .relaxed) }

    /// How many alerts journald refused (each thrown as a `JournalError`).
    public var failureCount: Int { counts.failed.load(ordering: .relaxed) }

    /// Writes `alert` to the journal.
    public func send(_ alert: Alert) throws(JournalError) {
        let code = Self.send(JournalEntry(alert: alert))
        guard code >= 0 else {
            counts.failed.add(1, ordering: .relaxed)
            throw JournalError(code: code, monitor: alert.monitor, kind: alert.kind)
        }
        counts.sent.add(1, ordering: .relaxed)
    }

    /// Writes an entry that is not an alert (a dead-lettered delivery); false when journald refused it.
    @discardableResult
    public func send(_ entry: JournalEntry) -> Bool {
        Self.send(entry) >= 0
    }

    /// Sends the entry's fields as one journal entry; returns `sd_journal_sendv`'s result
    /// (0, or a negative errno).
    static func send(_ entry: JournalEntry) -> Int32 {
        // Every "NAME=value" back to back in one buffer; the iovecs point into it. Values may hold
        // newlines or any bytes: sd_journal_sendv frames each field by its length.
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(entry.fields.count)
        for field in entry.fields {
            let start = bytes.count
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: field.value.utf8)
            ranges.append(start..<bytes.count)
        }
        return bytes.withUnsafeMutableBytes { buffer in
            var vectors = ranges.map { range in
                iovec(iov_base: buffer.baseAddress! + range.lowerBound, iov_len: range.count)
            }
            return sd_journal_sendv(&vectors, Int32(vectors.count))
        }
    }
}
