public import DriftRetrain
import Foundation
import GRDB

extension StateStore {
    /// A queued trigger and the retrain service's decision on it.
    public struct SettledTrigger: Sendable, Equatable {
        public var id: Int64
        /// `started` (it started `episode`) or `suppressed` (with the reason).
        public var state: String
        public var reason: String?
        public var episode: Int64?

        public init(id: Int64, state: String, reason: String? = nil, episode: Int64? = nil) {
            self.id = id
            self.state = state
            self.reason = reason
            self.episode = episode
        }
    }

    /// A trigger waiting for the retrain service.
    public struct QueuedTrigger: Sendable, Equatable {
        public var id: Int64
        public var monitor: String
        public var trigger: RetrainTrigger
    }

    static func applyRetrain(_ step: Step, db: Database, now: Double) throws {
        let encoder = JSONEncoder()
        for trigger in step.retrainTriggers {
            try db.execute(sql: "INSERT INTO retrain_trigger (monitor, data, created_at) VALUES (?, ?, ?)",
                           arguments: [step.monitor, try encoder.encode(trigger), now])
        }
        for settled in step.settledTriggers {
            try db.execute(sql: "UPDATE retrain_trigger SET state = ?, reason = ?, episode_id = ? WHERE id = ?",
                           arguments: [settled.state, settled.reason, settled.episode, settled.id])
        }
        if step.requestsRebaseline {
            try db.execute(sql: "INSERT INTO rebaseline_request (monitor, created_at) VALUES (?, ?)", arguments: [step.monitor, now])
        }
        for id in step.rebaselinesDone {
            try db.execute(sql: "DELETE FROM rebaseline_request WHERE id = ?", arguments: [id])
        }
        if let episode = step.episode {
            try db.execute(sql: """
                INSERT OR REPLACE INTO retrain_episode (id, monitor, state, started_at, ended_at, data) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [episode.id, episode.monitor, episode.state.rawValue, episode.startedAt, episode.endedAt, try encoder.encode(episode)])
        }
    }

    /// Triggers not decided on yet, oldest first.
    public func queuedTriggers() throws(StoreError) -> [QueuedTrigger] {
        try run {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT id, monitor, data FROM retrain_trigger WHERE state = 'pending' ORDER BY id").compactMap { row in
                    guard let trigger = try? JSONDecoder().decode(RetrainTrigger.self, from: row["data"] as Data) else { return nil }
                    return QueuedTrigger(id: row["id"], monitor: row["monitor"], trigger: trigger)
                }
            }
        }
    }

    /// Episodes, oldest first: of one monitor, or of all; only running ones when `running`.
    public func episodes(monitor: String? = nil, running: Bool = false) throws(StoreError) -> [RetrainEpisode] {
        try run {
            try pool.read { db in
                var sql = "SELECT data FROM retrain_episode WHERE 1"
                var arguments: StatementArguments = []
                if let monitor {
                    sql += " AND monitor = ?"
                    arguments += [monitor]
                }
                if running { sql += " AND state = 'running'" }
                return try Data.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments).compactMap {
                    try? JSONDecoder().decode(RetrainEpisode.self, from: $0)
                }
            }
        }
    }

    /// Rebaseline requests not carried out yet, by monitor (ids, oldest first).
    public func rebaselineRequests() throws(StoreError) -> [String: [Int64]] {
        try run {
            try pool.read { db in
                var requests: [String: [Int64]] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT id, monitor FROM rebaseline_request ORDER BY id") {
                    requests[row["monitor"] as String, default: []].append(row["id"])
                }
                return requests
            }
        }
    }

    /// The id the next episode gets.
    public func nextEpisodeID() throws(StoreError) -> Int64 {
        try run { try pool.read { try Int64.fetchOne($0, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM retrain_episode") ?? 1 } }
    }

    /// Lines of one stream of a monitor's engine input, in order or newest first, until `body` returns false.
    public func forEachInput(monitor: String, stream: Stream, newestFirst: Bool, _ body: (InputLine) throws -> Bool) throws(StoreError) {
        try run {
            try pool.read { db in
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT stream, file, line, bytes, read_at FROM engine_input WHERE monitor = ? AND stream = ? ORDER BY seq \(newestFirst ? "DESC" : "ASC")
                    """, arguments: [monitor, stream.rawValue])
                while let row = try rows.next() {
                    if try !body(Self.inputLine(row)) { break }
                }
            }
        }
    }
}
