import Logging
import PostgresNIO

/// The PostgreSQL schema of the daemon's log, in versions applied in order and recorded in
/// `ps_migrations` (as the SQLite file records its own). Each version runs in one transaction
/// under an advisory lock, so daemons that start together migrate once.
///
/// Text that must compare by bytes (node ids, departments, token hashes and ids) is `COLLATE "C"`.
/// An op is stored as its wire JSON (``SyncModel/OpJSON``, without department and position) in
/// `bytea`, beside the columns that index it.
enum PostgresMigrations {
    /// Statements per version; version n is `versions[n - 1]`. Append, never edit.
    static let versions: [[String]] = [
        [
            """
            CREATE TABLE ps_log (
                position bigint PRIMARY KEY,
                node text COLLATE "C" NOT NULL,
                seq bigint NOT NULL CHECK (seq > 0),
                department text COLLATE "C" NOT NULL,
                op bytea NOT NULL,
                received_at bigint NOT NULL,
                UNIQUE (node, seq)
            )
            """,
            // One row: the last position. `SELECT … FOR UPDATE` on it serializes commits.
            """
            CREATE TABLE ps_head (
                one boolean PRIMARY KEY DEFAULT true CHECK (one),
                position bigint NOT NULL
            )
            """,
            "INSERT INTO ps_head (one, position) VALUES (true, 0)",
            """
            CREATE TABLE ps_tokens (
                id text COLLATE "C" PRIMARY KEY,
                hash text COLLATE "C" NOT NULL UNIQUE,
                department text COLLATE "C" NOT NULL,
                created_at bigint NOT NULL,
                revoked_at bigint,
                expires_at bigint,
                last_used_at bigint
            )
            """,
        ],
        [
            // The daemon's readable tables' merge state (``PostgresServerLog/materialize()``): each
            // row's SnapshotRecord JSON, and how far the log is folded into it.
            """
            CREATE TABLE ps_state (
                collection text COLLATE "C" NOT NULL,
                row_id text COLLATE "C" NOT NULL,
                record bytea NOT NULL,
                PRIMARY KEY (collection, row_id)
            )
            """,
            """
            CREATE TABLE ps_materialized (
                one boolean PRIMARY KEY DEFAULT true CHECK (one),
                position bigint NOT NULL,
                vv text NOT NULL
            )
            """,
            "INSERT INTO ps_materialized (one, position, vv) VALUES (true, 0, '{}')",
        ],
        [
            // Per counter, the sum of every inc delta in the log (OpLogIndex.counterTotal), so a
            // push's inc that would take it beyond ±2^53 is refused without summing the log. The
            // fill wraps at ±2^63 as replicas do.
            """
            CREATE TABLE ps_log_counters (
                collection text COLLATE "C" NOT NULL,
                row_id text COLLATE "C" NOT NULL,
                field text COLLATE "C" NOT NULL,
                total bigint NOT NULL,
                PRIMARY KEY (collection, row_id, field)
            )
            """,
            """
            INSERT INTO ps_log_counters (collection, row_id, field, total)
            SELECT c, r, f, ((s + 9223372036854775808) % 18446744073709551616 + 18446744073709551616)
                            % 18446744073709551616 - 9223372036854775808
            FROM (SELECT j->>'collection' AS c, j->>'row' AS r, j->>'field' AS f, sum((j->>'delta')::numeric) AS s
                  FROM (SELECT convert_from(op, 'UTF8')::jsonb AS j FROM ps_log) AS ops
                  WHERE j->>'kind' = 'inc' GROUP BY 1, 2, 3) AS sums
            """,
        ],
    ]

    /// The newest version this build knows.
    static var latest: Int { versions.count }

    /// Arbitrary key of the advisory lock that serializes migrations across daemons.
    static let lockKey: Int64 = 0x706c_616e_7379_6e63

    /// Brings the database to ``latest``. Throws ``PostgresLogError/newerSchema(found:known:)``
    /// for a database migrated by a newer build, changing nothing.
    static func migrate(_ session: PostgresSession) throws {
        try session.transaction { connection in
            let logger = session.logger
            try connection.run("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try connection.run("CREATE TABLE IF NOT EXISTS ps_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", logger: logger)
            let found = Int(try connection.value("SELECT max(version) FROM ps_migrations", as: Int32.self, logger: logger) ?? 0)
            guard found <= latest else { throw PostgresLogError.newerSchema(found: found, known: latest) }
            for index in found..<latest {
                for statement in versions[index] {
                    try connection.run(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try connection.run("INSERT INTO ps_migrations (version) VALUES (\(Int32(index + 1)))", logger: logger)
            }
        }
    }
}
