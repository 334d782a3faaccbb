public import Foundation

/// What `/status` returns and `driftd status` prints: plain data the daemon fills in.
///
/// JSON keys are snake_case (`DaemonStatus.makeEncoder()`), times are RFC 3339 in UTC, whole
/// seconds.
public struct DaemonStatus: Codable, Sendable, Equatable {
    /// The health of the ingest loop.
    public struct Ingest: Codable, Sendable, Equatable {
        /// Whether `/healthz` answers 200.
        public var healthy: Bool
        /// When the loop last completed a pass over every monitor's files.
        public var lastLoopTime: Date?
        /// Why rounds cannot be committed to the state database (disk full...), while they cannot:
        /// reading is paused, nothing is lost.
        public var stateError: String?

        public init(healthy: Bool, lastLoopTime: Date? = nil, stateError: String? = nil) {
            self.healthy = healthy
            self.lastLoopTime = lastLoopTime
            self.stateError = stateError
        }
    }

    /// A file being tailed.
    public struct TailedFile: Codable, Sendable, Equatable {
        /// `"predictions"` or `"labels"`.
        public var stream: String
        public var path: String
        /// Bytes read so far (the checkpointed offset).
        public var offset: Int
        /// Bytes written after the offset and not read yet.
        public var lagBytes: Int
        /// Age of the oldest unread data, in seconds (0 when caught up).
        public var lagSeconds: Double

        public init(stream: String, path: String, offset: Int, lagBytes: Int, lagSeconds: Double) {
            self.stream = stream
            self.path = path
            self.offset = offset
            self.lagBytes = lagBytes
            self.lagSeconds = lagSeconds
        }
    }

    /// One monitor (one rule file).
    /// A monitor's latest retrain episode (docs/retrain.md).
    public struct Retrain: Codable, Sendable, Equatable {
        public var episode: Int64
        /// `running`, `promoted` or `exhausted`.
        public var state: String
        /// Attempts begun so far, of `maxAttempts`.
        public var attempts: Int
        public var maxAttempts: Int
        /// The alert kinds that started it.
        public var trigger: String
        public var startedAt: Date
        public var endedAt: Date?
        public var promotedVersion: Int?

        public init(episode: Int64, state: String, attempts: Int, maxAttempts: Int, trigger: String, startedAt: Date,
                    endedAt: Date? = nil, promotedVersion: Int? = nil) {
            self.episode = episode
            self.state = state
            self.attempts = attempts
            self.maxAttempts = maxAttempts
            self.trigger = trigger
            self.startedAt = startedAt
            self.endedAt = endedAt
            self.promotedVersion = promotedVersion
        }

        /// "episode 3 running, attempt 2 of 3 (performance_degraded)".
        public var summary: String {
            let where_ = switch state {
            case "running": "running, attempt \(attempts) of \(maxAttempts)"
            case "promoted": "promoted version \(promotedVersion.map(String.init) ?? "?") at attempt \(attempts)"
            default: "\(state) after \(attempts) attempts"
            }
            return "episode \(episode) \(where_) (\(trigger))"
        }
    }

    public struct Monitor: Codable, Sendable, Equatable {
        public var name: String
        /// Prediction records read (§4 `counts.records`).
        public var records: Int
        /// Valid label records read.
        public var labels: Int
        public var malformedLines: Int
        public var windowsEvaluated: Int
        /// The last window evaluated, and its end time (nil before the first).
        public var lastWindowIndex: Int?
        public var lastWindowTime: Date?
        /// Alerts raised and not resolved.
        public var openAlerts: Int
        public var files: [TailedFile]
        /// The monitor's latest retrain episode, if it ever had one.
        public var retrain: Retrain?

        public init(name: String, records: Int = 0, labels: Int = 0, malformedLines: Int = 0, windowsEvaluated: Int = 0,
                    lastWindowIndex: Int? = nil, lastWindowTime: Date? = nil, openAlerts: Int = 0, files: [TailedFile] = [],
                    retrain: Retrain? = nil) {
            self.name = name
            self.records = records
            self.labels = labels
            self.malformedLines = malformedLines
            self.windowsEvaluated = windowsEvaluated
            self.lastWindowIndex = lastWindowIndex
            self.lastWindowTime = lastWindowTime
            self.openAlerts = openAlerts
            self.files = files
            self.retrain = retrain
        }
    }

    public var version: String
    public var startTime: Date
    public var rulesFolder: String
    public var stateFolder: String
    public var ingest: Ingest
    /// In rule-file order.
    public var monitors: [Monitor]

    public init(version: String, startTime: Date, rulesFolder: String, stateFolder: String, ingest: Ingest,
                monitors: [Monitor]) {
        self.version = version
        self.startTime = startTime
        self.rulesFolder = rulesFolder
        self.stateFolder = stateFolder
        self.ingest = ingest
        self.monitors = monitors
    }

    /// The encoder `/status` uses: snake_case keys, RFC 3339 dates, sorted keys.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The decoder matching `makeEncoder()`.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
