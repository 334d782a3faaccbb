/// Cuts a byte stream into lines: each complete line without its `\n`, decoded as UTF-8 with
/// invalid bytes replaced (U+FFFD).
///
/// A line longer than `limit` bytes is cut: its first `limit` bytes are delivered as one line and
/// the rest, up to the next `\n`, is dropped, so one runaway line cannot grow memory without bound.
struct LineSplitter {
    let limit: Int
    private var pending: [UInt8] = []
    private var dropping = false

    init(limit: Int = 64 * 1024) {
        self.limit = limit
    }

    /// Appends bytes and returns the lines they complete.
    mutating func append(_ bytes: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if !dropping { lines.append(String(decoding: pending, as: UTF8.self)) }
                pending.removeAll(keepingCapacity: true)
                dropping = false
            } else if !dropping {
                pending.append(byte)
                if pending.count >= limit {
                    lines.append(String(decoding: pending, as: UTF8.self))
                    pending.removeAll(keepingCapacity: true)
                    dropping = true
                }
            }
        }
        return lines
    }

    /// The final line when the stream ended without a `\n`, if any.
    mutating func finish() -> String? {
        defer { pending.removeAll() }
        guard !dropping, !pending.isEmpty else { return nil }
        return String(decoding: pending, as: UTF8.self)
    }
}
