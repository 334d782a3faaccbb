public import Foundation
import GRDB

extension StateStore {
    /// Where a webhook delivery stands.
    public enum DeliveryState: String, Sendable, Codable {
        /// Not delivered yet: tried at `nextAttemptAt`.
        case pending
        case delivered
        /// Given up (too old, or refused for good); the reason is in `lastError`.
        case dead
    }

    /// One webhook delivery of the durable outbox: the request as it will be posted (the signature is
    /// computed at each attempt from the secret, which is never stored) and how its attempts went.
    public struct Delivery: Sendable, Equatable {
        public var id: Int64 = 0
        public var monitor: String
        /// The stored alert it delivers (nil for a resolved notification).
        public var alertID: Int64?
        /// For a new delivery in a `Step`: the index of its alert in `Step.alerts`.
        public var alertIndex: Int?
        /// The notification's id (the `Idempotency-Key`) and status (`firing` or `resolved`).
        public var notificationID: String
        public var status: String
        public var url: String
        public var format: String
        public var secretFile: String?
        public var credential: String?
        public var timeout: Double
        public var retryFor: Double
        public var body: Data
        public var createdAt: Double
        public var attempts = 0
        public var nextAttemptAt: Double
        public var state = DeliveryState.pending
        public var lastError: String?
        public var doneAt: Double?

        public init(monitor: String, alertIndex: Int?, notificationID: String, status: String, url: String, format: String,
                    secretFile: String?, credential: String?, timeout: Double, retryFor: Double, body: Data, createdAt: Double) {
            self.monitor = monitor
            self.alertIndex = alertIndex
            self.notificationID = notificationID
            self.status = status
            self.url = url
            self.format = format
            self.secretFile = secretFile
            self.credential = credential
            self.timeout = timeout
            self.retryFor = retryFor
            self.body = body
            self.createdAt = createdAt
            self.nextAttemptAt = createdAt
        }
    }

    private static let deliveryColumns = """
        id, monitor, alert_id, notification_id, status, url, format, secret_file, credential, timeout, retry_for, body,
        created_at, attempts, next_attempt_at, state, last_error, done_at
        """

    private static func delivery(_ row: Row) -> Delivery {
        var delivery = Delivery(monitor: row["monitor"], alertIndex: nil, notificationID: row["notification_id"], status: row["status"],
                                url: row["url"], format: row["format"], secretFile: row["secret_file"], credential: row["credential"],
                                timeout: row["timeout"], retryFor: row["retry_for"], body: row["body"], createdAt: row["created_at"])
        delivery.id = row["id"]
        delivery.alertID = row["alert_id"]
        delivery.attempts = row["attempts"]
        delivery.nextAttemptAt = row["next_attempt_at"]
        delivery.state = DeliveryState(rawValue: row["state"]) ?? .pending
        delivery.lastError = row["last_error"]
        delivery.doneAt = row["done_at"]
        return delivery
    }

    static func insert(_ delivery: Delivery, alertID: Int64?, db: Database) throws {
        try db.execute(sql: """
            INSERT INTO outbox (monitor, alert_id, notification_id, status, url, format, secret_file, credential, timeout, retry_for,
                                body, created_at, attempts, next_attempt_at, state)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'pending')
            """, arguments: [delivery.monitor, alertID, delivery.notificationID, delivery.status, delivery.url, delivery.format,
                             delivery.secretFile, delivery.credential, delivery.timeout, delivery.retryFor, delivery.body,
                             delivery.createdAt, delivery.nextAttemptAt])
    }

    /// Pending deliveries due at `now`, oldest first, but those in `excluded` (being posted).
    public func dueDeliveries(now: Double, limit: Int, excluding excluded: Set<Int64> = []) throws(StoreError) -> [Delivery] {
        let exclusion = excluded.isEmpty ? "" : " AND id NOT IN (\(excluded.map(String.init).joined(separator: ",")))"
        return try run {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT \(Self.deliveryColumns) FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?\(exclusion) ORDER BY id LIMIT ?
                    """, arguments: [now, limit]).map(Self.delivery)
            }
        }
    }

    /// When the next pending delivery is due; nil when none is pending.
    public func nextDeliveryTime() throws(StoreError) -> Double? {
        try run { try pool.read { try Double.fetchOne($0, sql: "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'") } }
    }

    /// Stores the outcome of an attempt: `state`, and for a pending delivery when to try again.
    public func recordAttempt(id: Int64, state: DeliveryState, nextAttemptAt: Double?, error: String?, now: Double) throws(StoreError) {
        try run {
            try pool.write { db in
                try db.execute(sql: """
                    UPDATE outbox SET attempts = attempts + 1, state = ?, next_attempt_at = COALESCE(?, next_attempt_at),
                                      last_error = COALESCE(?, last_error), done_at = CASE WHEN ? = 'pending' THEN NULL ELSE ? END
                    WHERE id = ?
                    """, arguments: [state.rawValue, nextAttemptAt, error, state.rawValue, now, id])
            }
        }
    }

    /// Deliveries of a monitor (nil: every monitor) created at or after `since`, oldest first.
    public func deliveries(monitor: String? = nil, since: Double = 0) throws(StoreError) -> [Delivery] {
        try run {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT \(Self.deliveryColumns) FROM outbox WHERE (?1 IS NULL OR monitor = ?1) AND created_at >= ?2 ORDER BY id
                    """, arguments: [monitor, since]).map(Self.delivery)
            }
        }
    }

    /// How many deliveries are in each state.
    public func deliveryCounts() throws(StoreError) -> [DeliveryState: Int] {
        try run {
            try pool.read { db in
                var counts: [DeliveryState: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM outbox GROUP BY state") {
                    if let state = DeliveryState(rawValue: row["state"]) { counts[state] = row["n"] }
                }
                return counts
            }
        }
    }

    /// The monitor's alert-tracker entries, encoded, by fingerprint.
    public func alertStates(monitor: String) throws(StoreError) -> [String: Data] {
        try run {
            try pool.read { db in
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT fingerprint, data FROM alert_state WHERE monitor = ?",
                                                                  arguments: [monitor]).map { ($0["fingerprint"] as String, $0["data"] as Data) })
            }
        }
    }
}
