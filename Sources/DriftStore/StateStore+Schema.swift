import GRDB

extension StateStore {
    /// Named migrations, never edited once they have landed (STYLE.md, convention 13).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-daemon-state") { db in
            try db.execute(sql: """
                CREATE TABLE monitor (name TEXT PRIMARY KEY, rule_digest TEXT NOT NULL, rule_path TEXT NOT NULL, rule_text TEXT NOT NULL);
                CREATE TABLE engine_input (monitor TEXT NOT NULL, seq INTEGER NOT NULL, stream TEXT NOT NULL, file TEXT NOT NULL,
                                           line INTEGER NOT NULL, bytes BLOB NOT NULL, read_at REAL NOT NULL, PRIMARY KEY (monitor, seq));
                CREATE TABLE held (monitor TEXT NOT NULL, seq INTEGER NOT NULL, stream TEXT NOT NULL, file TEXT NOT NULL,
                                   line INTEGER NOT NULL, bytes BLOB NOT NULL, read_at REAL NOT NULL, PRIMARY KEY (monitor, seq));
                CREATE TABLE checkpoint (monitor TEXT NOT NULL, stream TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (monitor, stream));
                CREATE TABLE window_result (monitor TEXT NOT NULL, window_index INTEGER NOT NULL, json TEXT NOT NULL, created_at REAL NOT NULL,
                                     PRIMARY KEY (monitor, window_index));
                CREATE TABLE alert (id INTEGER PRIMARY KEY AUTOINCREMENT, monitor TEXT NOT NULL, created_at REAL NOT NULL,
                                    json TEXT NOT NULL, payload BLOB NOT NULL, journald_done INTEGER NOT NULL);
                CREATE INDEX alert_by_monitor ON alert (monitor, created_at);
                """)
        }
        migrator.registerMigration("v2-webhook-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, monitor TEXT NOT NULL, alert_id INTEGER,
                                     notification_id TEXT NOT NULL, status TEXT NOT NULL, url TEXT NOT NULL, format TEXT NOT NULL,
                                     secret_file TEXT, credential TEXT, timeout REAL NOT NULL, retry_for REAL NOT NULL,
                                     body BLOB NOT NULL, created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                                     next_attempt_at REAL NOT NULL, state TEXT NOT NULL DEFAULT 'pending', last_error TEXT, done_at REAL);
                CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
                CREATE INDEX outbox_by_alert ON outbox (alert_id);
                CREATE TABLE alert_state (monitor TEXT NOT NULL, fingerprint TEXT NOT NULL, data BLOB NOT NULL,
                                          PRIMARY KEY (monitor, fingerprint));
                """)
        }
        migrator.registerMigration("v3-retrain") { db in
            try db.execute(sql: """
                CREATE TABLE retrain_trigger (id INTEGER PRIMARY KEY AUTOINCREMENT, monitor TEXT NOT NULL, data BLOB NOT NULL,
                                              created_at REAL NOT NULL, state TEXT NOT NULL DEFAULT 'pending', reason TEXT,
                                              episode_id INTEGER);
                CREATE INDEX retrain_trigger_pending ON retrain_trigger (state, id);
                CREATE TABLE retrain_episode (id INTEGER PRIMARY KEY, monitor TEXT NOT NULL, state TEXT NOT NULL,
                                              started_at REAL NOT NULL, ended_at REAL, data BLOB NOT NULL);
                CREATE INDEX retrain_episode_by_monitor ON retrain_episode (monitor, id);
                CREATE TABLE rebaseline_request (id INTEGER PRIMARY KEY AUTOINCREMENT, monitor TEXT NOT NULL, created_at REAL NOT NULL);
                """)
        }
        return migrator
    }
}
