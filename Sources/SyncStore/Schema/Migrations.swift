import GRDB
import SyncModel

/// The replica file's migrations: the metadata tables (`ps_…`, docs/replica-format.md), then the
/// readable tables of the schema's collections, generated from the schema.
enum Migrations {
    static func migrator(_ layout: TableLayout) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-metadata", migrate: createMetadata)
        // Trimming the op record looks entries up by where they end; without this index every
        // write scanned the whole record.
        migrator.registerMigration("v2-op-record-end") { db in
            try db.execute(sql: "CREATE INDEX ps_op_record_end ON ps_op_record (first_position + count)")
        }
        // The access rules of the last `welcome` (a laptop) or of the serving daemon (its file).
        migrator.registerMigration("v3-access-rules") { db in
            try db.execute(sql: "CREATE TABLE ps_rules (id INTEGER PRIMARY KEY CHECK (id = 1), version TEXT NOT NULL, json TEXT NOT NULL)")
        }
        // Deployment (issue 12): token expiry and last use; how the replica trusts the daemon's TLS.
        migrator.registerMigration("v3-tls-tokens") { db in
            try db.execute(sql: """
                ALTER TABLE ps_tokens ADD COLUMN expires_at INTEGER;
                ALTER TABLE ps_tokens ADD COLUMN last_used_at INTEGER;
                ALTER TABLE ps_identity ADD COLUMN tls TEXT;
                """)
        }
        // Compaction (issue 14): the daemon's snapshot (one record per row, its version vector,
        // its horizon), and on a laptop the progress of a bootstrap file being built.
        migrator.registerMigration("v4-compaction") { db in
            try db.execute(sql: """
                CREATE TABLE ps_snapshot (
                    collection TEXT NOT NULL,
                    row_id TEXT NOT NULL,
                    record TEXT NOT NULL,
                    PRIMARY KEY (collection, row_id)
                ) WITHOUT ROWID;
                CREATE TABLE ps_snapshot_vv (node TEXT PRIMARY KEY NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE ps_horizon (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, compacted_at INTEGER NOT NULL);
                CREATE TABLE ps_bootstrap (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    horizon INTEGER NOT NULL,
                    vv TEXT NOT NULL,
                    after_collection TEXT,
                    after_row TEXT,
                    complete INTEGER NOT NULL
                );
                """)
        }
        // Bounded replicas (issue 14): how many days the op record and the conflict history keep.
        migrator.registerMigration("v5-history-window") { db in
            try db.execute(sql: "CREATE TABLE ps_history_window (id INTEGER PRIMARY KEY CHECK (id = 1), days INTEGER NOT NULL)")
        }
        // Snapshot records are 1–2 KB: in the WITHOUT ROWID table of v4 each one over about 1 KB
        // spilled into an overflow page of its own (about 4 KB a row on disk). A rowid table keeps
        // records of up to about 4 KB in its leaf pages; the unique index keeps the key order.
        migrator.registerMigration("v6-snapshot-rowid") { db in
            try db.execute(sql: """
                CREATE TABLE ps_snapshot_rows (collection TEXT NOT NULL, row_id TEXT NOT NULL, record TEXT NOT NULL,
                                               UNIQUE (collection, row_id));
                INSERT INTO ps_snapshot_rows (collection, row_id, record) SELECT collection, row_id, record FROM ps_snapshot;
                DROP TABLE ps_snapshot;
                ALTER TABLE ps_snapshot_rows RENAME TO ps_snapshot;
                """)
        }
        // A long op record entry (a remote batch) is stored deflated (OpRecordText): written as
        // text, a batch of 1,000 ops was about fifty overflow pages per transaction.
        migrator.registerMigration("v7-op-record-deflate") { db in
            try db.execute(sql: "ALTER TABLE ps_op_record ADD COLUMN ops_deflate BLOB")
        }
        // The op record is trimmed in steps from its first entry by `entry` (OpRecord.trimStep), so
        // nothing looks entries up by where they end; the index cost every transaction a page.
        migrator.registerMigration("v8-op-record-trim-by-entry") { db in
            try db.execute(sql: "DROP INDEX IF EXISTS ps_op_record_end")
        }
        // The newest HLC reading applied per node: the clock reads it (IdentityRecord), so an
        // applied batch no longer writes `ps_identity` to advance the clock (a page of its own).
        migrator.registerMigration("v9-applied-hlc") { db in
            try db.execute(sql: "ALTER TABLE ps_applied ADD COLUMN hlc TEXT")
        }
        // Counter totals of the daemon's log (LogCounterTotals): a push's inc is refused when it
        // would take the log's sum beyond ±2^53. Older builds refuse the file (`unknown(in:by:)`),
        // so none appends ops without them.
        migrator.registerMigration("v10-log-counter-totals") { db in
            try db.execute(sql: LogCounterTotals.createTable)
            try LogCounterTotals.fill(db)
        }
        // The highest own seq ever acknowledged (AcknowledgedSeq): ops put back in the outbox after
        // a daemon restore were seen by others, and `outbox discard` must not drop them.
        migrator.registerMigration("v11-acknowledged-seq") { db in
            try db.execute(sql: AcknowledgedSeq.migration)
        }
        // The last op received, by position and dot (CursorMark): a sync checks the daemon still
        // holds it there, which tells a log restored from an older copy once it grew past the cursor.
        migrator.registerMigration("v12-cursor-mark") { db in
            try db.execute(sql: "ALTER TABLE ps_cursor ADD COLUMN seen_position INTEGER; ALTER TABLE ps_cursor ADD COLUMN seen_dot TEXT")
        }
        // The highest own seq ever sent (SentSeq), stated in every push: the daemon refuses an op
        // above it whose dot it compacted, which another replica made under the same node id.
        migrator.registerMigration("v13-sent-seq") { db in
            try db.execute(sql: SentSeq.migration)
        }
        // Idempotent: creates missing tables and adds the columns a newer schema declares.
        migrator.registerMigration(collectionsPrefix + "\(layout.schema.version)") { db in
            for c in layout.ordered { try c.ensureTable(db) }
            try db.execute(sql: "UPDATE ps_identity SET schema_version = ?", arguments: [layout.schema.version])
        }
        return migrator
    }

    /// The readable tables' migrations are named this and the schema version, which
    /// `ps_identity.schema_version` guards on its own: a build for a newer schema registers only its
    /// own, and still opens files that applied an older one.
    static let collectionsPrefix = "collections-v"

    /// The storage migrations `db` has applied that `migrator` does not register, sorted: the
    /// file was written by a newer build, whose format this one may misread or misuse (a build
    /// from before `v9-applied-hlc` would take its clock from `ps_identity` alone and stamp local
    /// writes before ops already applied). Only builds with this check refuse such a file.
    static func unknown(in db: Database, by migrator: DatabaseMigrator) throws -> [String] {
        try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
            .filter { !$0.hasPrefix(collectionsPrefix) }.sorted()
    }

    static func createMetadata(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE ps_identity (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                node TEXT NOT NULL,
                department TEXT NOT NULL,
                server TEXT,
                token TEXT,
                next_seq INTEGER NOT NULL,
                hlc TEXT NOT NULL,
                schema_version INTEGER NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE TABLE ps_cursor (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                position INTEGER NOT NULL
            );
            CREATE TABLE ps_applied (
                node TEXT PRIMARY KEY NOT NULL,
                seq INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE ps_registers (
                collection TEXT NOT NULL,
                row_id TEXT NOT NULL,
                field TEXT NOT NULL,
                node TEXT NOT NULL,
                seq INTEGER NOT NULL,
                hlc TEXT NOT NULL,
                value TEXT NOT NULL,
                context TEXT,
                department TEXT,
                PRIMARY KEY (collection, row_id, field, node, seq)
            ) WITHOUT ROWID;
            CREATE TABLE ps_counters (
                collection TEXT NOT NULL,
                row_id TEXT NOT NULL,
                field TEXT NOT NULL,
                value INTEGER NOT NULL,
                PRIMARY KEY (collection, row_id, field)
            ) WITHOUT ROWID;
            CREATE TABLE ps_set_fields (
                collection TEXT NOT NULL,
                row_id TEXT NOT NULL,
                field TEXT NOT NULL,
                PRIMARY KEY (collection, row_id, field)
            ) WITHOUT ROWID;
            CREATE TABLE ps_set_tags (
                collection TEXT NOT NULL,
                row_id TEXT NOT NULL,
                field TEXT NOT NULL,
                element TEXT NOT NULL,
                node TEXT NOT NULL,
                seq INTEGER NOT NULL,
                PRIMARY KEY (collection, row_id, field, element, node, seq)
            ) WITHOUT ROWID;
            CREATE TABLE ps_row_vv (
                collection TEXT NOT NULL,
                row_id TEXT NOT NULL,
                node TEXT NOT NULL,
                seq INTEGER NOT NULL,
                PRIMARY KEY (collection, row_id, node)
            ) WITHOUT ROWID;
            CREATE TABLE ps_outbox (
                seq INTEGER PRIMARY KEY,
                op TEXT NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE TABLE ps_conflict_history (
                entry INTEGER PRIMARY KEY,
                conflict_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                collection TEXT NOT NULL,
                row_id TEXT NOT NULL,
                field TEXT NOT NULL,
                n INTEGER NOT NULL,
                value TEXT NOT NULL,
                node TEXT NOT NULL,
                seq INTEGER NOT NULL,
                department TEXT,
                hlc TEXT NOT NULL,
                kept TEXT NOT NULL,
                resolved_node TEXT NOT NULL,
                resolved_seq INTEGER NOT NULL,
                resolved_hlc TEXT NOT NULL,
                recorded_at INTEGER NOT NULL
            );
            CREATE TABLE ps_op_record (
                entry INTEGER PRIMARY KEY,
                origin TEXT NOT NULL,
                first_position INTEGER NOT NULL,
                count INTEGER NOT NULL,
                applied_at INTEGER NOT NULL,
                ops TEXT NOT NULL
            );
            CREATE TABLE ps_log (
                position INTEGER PRIMARY KEY,
                \(OpColumns.definitions),
                department TEXT NOT NULL,
                received_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX ps_log_by_dot ON ps_log (node, seq);
            CREATE TABLE ps_tokens (
                id TEXT PRIMARY KEY NOT NULL,
                hash TEXT NOT NULL UNIQUE,
                department TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            );
            """)
    }
}

extension OpColumns {
    /// Column definitions in ``names`` order.
    static let definitions = """
        collection TEXT NOT NULL, row_id TEXT NOT NULL, field TEXT NOT NULL, kind TEXT NOT NULL, \
        node TEXT NOT NULL, seq INTEGER NOT NULL, hlc TEXT NOT NULL, value TEXT, replaces TEXT, \
        delta INTEGER, element TEXT, removes TEXT, context TEXT
        """
}
