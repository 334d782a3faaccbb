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
        return migrator
    }
}
