import Foundation

/// Reading back what the sink wrote, from the real journald (`scripts/journald.sh start`, which
/// `make test` runs; tests that need it are disabled when nothing listens on the socket).
enum Journal {
    static let socketPath = "/run/systemd/journal/socket"

    /// Whether journald listens: the socket file alone does not say, since journald leaves it
    /// behind when it exits.
    static var isAvailable: Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in socketPath.utf8.enumerated() { bytes[index] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }

    static var isRoot: Bool { getuid() == 0 }

    /// A monitor name no other run of the suite uses.
    static func uniqueMonitor(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.lowercased())"
    }

    /// Runs `journalctl arguments` until its output satisfies `done` or 10 s pass (journald stores
    /// a datagram shortly after the sender returns); returns the last output.
    static func poll(_ arguments: [String], until done: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let output = try Command.run("/usr/bin/journalctl", ["--no-pager"] + arguments)
            if done(output.stdout) || ContinuousClock.now >= deadline { return output.stdout }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The entries of `monitor`, as journalctl's JSON objects (one per line).
    static func entries(monitor: String, count: Int = 1) async throws -> [[String: Any]] {
        let text = try await poll(["-t", "driftd", "DRIFTD_MONITOR=\(monitor)", "-o", "json"]) {
            $0.split(separator: "\n").count >= count
        }
        return try text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }
}
