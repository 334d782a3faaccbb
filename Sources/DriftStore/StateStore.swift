public import DriftRetrain
public import Foundation
import GRDB

/// The daemon's state folder: one SQLite database (WAL) holding, per monitor, the engine's input so
/// far, the predictions waiting for their labels, the tailers' checkpoints, the evaluated windows and
/// the alerts. Everything one ingest step changes is committed in one transaction, so a crash at any
/// moment leaves a state the daemon resumes from without losing or repeating a line.
///
/// The engine is deterministic, so its state is kept as the lines it was fed, in order: feeding them
/// again to a fresh engine rebuilds it exactly (docs/daemon.md explains the choice).
public final class StateStore: Sendable {
    /// A store error, with the database path.
    public struct StoreError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// Which stream a line came from.
    public enum Stream: String, Sendable, Codable {
        case predictions, labels
        /// Not a line of a file: an instruction to the engine at this point of its input (`rebaseline`,
        /// or a line too long to read, counted as malformed).
        case control
    }

    /// One line as the engine was (or will be) fed it.
    public struct InputLine: Sendable, Equatable {
        public var stream: Stream
        public var file: String
        public var lineNumber: Int
        public var bytes: [UInt8]
        /// When the daemon read it (seconds since the epoch): a held prediction's age.
        public var readAt: Double

        public init(stream: Stream, file: String, lineNumber: Int, bytes: [UInt8], readAt: Double) {
            self.stream = stream
            self.file = file
            self.lineNumber = lineNumber
            self.bytes = bytes
            self.readAt = readAt
        }
    }

    /// A stored alert and whether journald has it yet.
    public struct StoredAlert: Sendable, Equatable {
        public var id: Int64
        public var monitor: String
        public var createdAt: Double
        /// The alert as the report's JSON object.
        public var json: String
        /// The alert itself, encoded (what the sinks are given).
        public var payload: Data
    }

    /// What one ingest step of a monitor changes, committed together.
    public struct Step: Sendable {
        public var monitor: String
        /// Lines fed to the engine in this step, in order.
        public var fed: [InputLine] = []
        /// Predictions read in this step and held for their labels.
        public var held: [InputLine] = []
        /// Held predictions released to the engine in this step (the oldest `releasedHeld` ones).
        public var releasedHeld = 0
        /// Tailer checkpoints by stream, as the daemon encodes them.
        public var checkpoints: [Stream: Data] = [:]
        /// Windows evaluated in this step: index and the report's JSON object.
        public var windows: [(index: Int, json: String)] = []
        /// Alerts raised in this step: the report's JSON object and the encoded alert.
        public var alerts: [(json: String, payload: Data)] = []
        /// Webhook deliveries to queue in the outbox.
        public var deliveries: [Delivery] = []
        /// Alert-tracker entries that changed, encoded, by fingerprint.
        public var alertStates: [String: Data] = [:]
        /// Retrain triggers seen in this step (queued for the retrain service).
        public var retrainTriggers: [RetrainTrigger] = []
        /// Queued triggers the retrain service has decided on.
        public var settledTriggers: [SettledTrigger] = []
        /// A retrain episode, as it now is (inserted or replaced).
        public var episode: RetrainEpisode?
        /// Asks the ingest loop to re-baseline the monitor's reference (after a promotion).
        public var requestsRebaseline = false
        /// Rebaseline requests carried out in this step (their control line is in `fed`).
        public var rebaselinesDone: [Int64] = []
        public init(monitor: String) { self.monitor = monitor }

        /// True when the step changes nothing.
        public var isEmpty: Bool {
            fed.isEmpty && held.isEmpty && releasedHeld == 0 && windows.isEmpty && alerts.isEmpty && checkpoints.isEmpty
                && deliveries.isEmpty && alertStates.isEmpty && retrainTriggers.isEmpty && settledTriggers.isEmpty && episode == nil
                && !requestsRebaseline && rebaselinesDone.isEmpty
        }
    }

    let pool: DatabasePool
    /// The database file.
    public let path: String

    /// Opens `FOLDER/driftd.sqlite`. The daemon (`readOnly` false) creates it when needed and brings
    /// its schema up to date; the commands that only read it (`report`, `alerts`) never write to it,
    /// so they can run beside the daemon.
    public init(folder: String, readOnly: Bool = false) throws(StoreError) {
        path = folder + "/driftd.sqlite"
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            if readOnly {
                guard FileManager.default.fileExists(atPath: path) else {
                    throw StoreError(path: path, message: "no state yet (has `driftd run` used this state folder?)")
                }
                configuration.readonly = true
                pool = try DatabasePool(path: path, configuration: configuration)
                guard try pool.read({ try Self.migrator.hasCompletedMigrations($0) }) else {
                    throw StoreError(path: path, message: "the state database is not ready yet (the daemon is creating it, or it is newer than this driftd)")
                }
            } else {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                pool = try DatabasePool(path: path, configuration: configuration)
                try Self.migrator.migrate(pool)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, message: "cannot open the state database: \(error)")
        }
    }

    func run<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do { return try body() } catch { throw StoreError(path: path, message: "\(error)") }
    }

    // MARK: Monitors

    /// The rule digest the monitor's state was built with, if the monitor has state.
    public func ruleDigest(monitor: String) throws(StoreError) -> String? {
        try run { try pool.read { try String.fetchOne($0, sql: "SELECT rule_digest FROM monitor WHERE name = ?", arguments: [monitor]) } }
    }

    /// Forgets a monitor's state and starts it anew under `ruleDigest` (its rule changed: its windows
    /// are recomputed from the files' beginning, as `replay` would with the new rule). Its pending
    /// webhook deliveries stay: they carry alerts already raised.
    public func resetMonitor(_ monitor: String, ruleDigest: String, rulePath: String, ruleText: String) throws(StoreError) {
        try run {
            try pool.write { db in
                for table in ["engine_input", "held", "checkpoint", "window_result", "alert", "alert_state"] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE monitor = ?", arguments: [monitor])
                }
                try db.execute(sql: "INSERT OR REPLACE INTO monitor (name, rule_digest, rule_path, rule_text) VALUES (?, ?, ?, ?)",
                               arguments: [monitor, ruleDigest, rulePath, ruleText])
            }
        }
    }

    /// Names of every monitor with state.
    public func monitors() throws(StoreError) -> [String] {
        try run { try pool.read { try String.fetchAll($0, sql: "SELECT name FROM monitor ORDER BY name") } }
    }

    /// The rule file a monitor's state was built with: its path and text (what `report` rebuilds it with).
    public func rule(monitor: String) throws(StoreError) -> (path: String, text: String)? {
        try run {
            try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT rule_path, rule_text FROM monitor WHERE name = ?", arguments: [monitor])
                    .map { (path: $0["rule_path"], text: $0["rule_text"]) }
            }
        }
    }

    // MARK: Reading state back

    /// Calls `body` with every line the monitor's engine was fed, in order.
    public func forEachInput(monitor: String, _ body: (InputLine) throws -> Void) throws(StoreError) {
        try run {
            try pool.read { db in
                let rows = try Row.fetchCursor(db, sql: "SELECT stream, file, line, bytes, read_at FROM engine_input WHERE monitor = ? ORDER BY seq",
                                               arguments: [monitor])
                while let row = try rows.next() { try body(Self.inputLine(row)) }
            }
        }
    }

    /// The monitor's held predictions, oldest first.
    public func held(monitor: String) throws(StoreError) -> [InputLine] {
        try run {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT stream, file, line, bytes, read_at FROM held WHERE monitor = ? ORDER BY seq",
                                 arguments: [monitor]).map(Self.inputLine)
            }
        }
    }

    static func inputLine(_ row: Row) -> InputLine {
        let data: Data = row["bytes"]
        return InputLine(stream: Stream(rawValue: row["stream"]) ?? .predictions, file: row["file"], lineNumber: row["line"],
                         bytes: [UInt8](data), readAt: row["read_at"])
    }

    /// The monitor's tailer checkpoints by stream.
    public func checkpoints(monitor: String) throws(StoreError) -> [Stream: Data] {
        try run {
            try pool.read { db in
                var result: [Stream: Data] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT stream, data FROM checkpoint WHERE monitor = ?", arguments: [monitor]) {
                    if let stream = Stream(rawValue: row["stream"]) { result[stream] = row["data"] }
                }
                return result
            }
        }
    }

    /// The stored windows of a monitor in index order (the report's JSON objects).
    public func windows(monitor: String) throws(StoreError) -> [(index: Int, json: String)] {
        try run {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT window_index, json FROM window_result WHERE monitor = ? ORDER BY window_index", arguments: [monitor])
                    .map { (index: $0["window_index"], json: $0["json"]) }
            }
        }
    }

    /// Stored alerts, newest last; `monitor` nil for every monitor; `since` in seconds since the epoch.
    public func alerts(monitor: String? = nil, since: Double = 0) throws(StoreError) -> [StoredAlert] {
        try run {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT id, monitor, created_at, json, payload FROM alert
                    WHERE (?1 IS NULL OR monitor = ?1) AND created_at >= ?2 ORDER BY id
                    """, arguments: [monitor, since])
                    .map(Self.storedAlert)
            }
        }
    }

    /// Alerts not yet written to journald, oldest first.
    public func alertsPendingJournal() throws(StoreError) -> [StoredAlert] {
        try run {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT id, monitor, created_at, json, payload FROM alert WHERE journald_done = 0 ORDER BY id")
                    .map(Self.storedAlert)
            }
        }
    }

    private static func storedAlert(_ row: Row) -> StoredAlert {
        StoredAlert(id: row["id"], monitor: row["monitor"], createdAt: row["created_at"], json: row["json"], payload: row["payload"])
    }

    /// Marks alerts as written to journald.
    public func markJournalDone(_ ids: [Int64]) throws(StoreError) {
        guard !ids.isEmpty else { return }
        try run {
            try pool.write { db in
                for id in ids { try db.execute(sql: "UPDATE alert SET journald_done = 1 WHERE id = ?", arguments: [id]) }
            }
        }
    }

    // MARK: Writing

    /// Commits the steps of one ingest round in one transaction.
    public func commit(_ steps: [Step], now: Double) throws(StoreError) {
        let steps = steps.filter { !$0.isEmpty }
        guard !steps.isEmpty else { return }
        try run {
            try pool.write { db in
                for step in steps { try Self.apply(step, db: db, now: now) }
            }
        }
    }

    private static func apply(_ step: Step, db: Database, now: Double) throws {
        let monitor = step.monitor
        func nextSequence(_ table: String) throws -> Int64 {
            try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM \(table) WHERE monitor = ?", arguments: [monitor]) ?? 1
        }
        for (table, lines) in [("engine_input", step.fed), ("held", step.held)] where !lines.isEmpty {
            var seq = try nextSequence(table)
            let statement = try db.makeStatement(sql: "INSERT INTO \(table) (monitor, seq, stream, file, line, bytes, read_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
            for line in lines {
                try statement.execute(arguments: [monitor, seq, line.stream.rawValue, line.file, line.lineNumber, Data(line.bytes), line.readAt])
                seq += 1
            }
        }
        // After this step's held lines are in: a step may release lines it read itself.
        if step.releasedHeld > 0 {
            try db.execute(sql: """
                DELETE FROM held WHERE monitor = ?1 AND seq IN (SELECT seq FROM held WHERE monitor = ?1 ORDER BY seq LIMIT ?2)
                """, arguments: [monitor, step.releasedHeld])
        }
        for (stream, data) in step.checkpoints {
            try db.execute(sql: "INSERT OR REPLACE INTO checkpoint (monitor, stream, data) VALUES (?, ?, ?)",
                           arguments: [monitor, stream.rawValue, data])
        }
        for window in step.windows {
            try db.execute(sql: "INSERT OR REPLACE INTO window_result (monitor, window_index, json, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [monitor, window.index, window.json, now])
        }
        var alertIDs: [Int64] = []
        for alert in step.alerts {
            try db.execute(sql: "INSERT INTO alert (monitor, created_at, json, payload, journald_done) VALUES (?, ?, ?, ?, 0)",
                           arguments: [monitor, now, alert.json, alert.payload])
            alertIDs.append(db.lastInsertedRowID)
        }
        for delivery in step.deliveries {
            try insert(delivery, alertID: delivery.alertIndex.flatMap { alertIDs.indices.contains($0) ? alertIDs[$0] : nil }, db: db)
        }
        for (fingerprint, data) in step.alertStates {
            try db.execute(sql: "INSERT OR REPLACE INTO alert_state (monitor, fingerprint, data) VALUES (?, ?, ?)",
                           arguments: [monitor, fingerprint, data])
        }
        try applyRetrain(step, db: db, now: now)
    }
}
