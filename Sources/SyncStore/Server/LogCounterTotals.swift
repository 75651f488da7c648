import GRDB
import SyncModel

/// `ps_log_counters`: per counter, the sum of every `inc` delta in the daemon's log, compacted ops
/// included (``SyncModel/OpLogIndex/counterTotal(_:)``), so that ``SyncModel/Admission`` refuses an
/// `inc` that would take it beyond ±2^53 without summing the log. Written in the transaction that
/// appends the ops; empty on a laptop.
enum LogCounterTotals {
    static let createTable = """
        CREATE TABLE ps_log_counters (
            collection TEXT NOT NULL,
            row_id TEXT NOT NULL,
            field TEXT NOT NULL,
            total INTEGER NOT NULL,
            PRIMARY KEY (collection, row_id, field)
        ) WITHOUT ROWID
        """

    /// The log's total of `key`, 0 when it was never incremented.
    static func total(_ db: Database, _ key: CounterKey) throws -> Int64 {
        let statement = try db.cachedStatement(sql: "SELECT total FROM ps_log_counters WHERE collection = ? AND row_id = ? AND field = ?")
        return try Int64.fetchOne(statement, arguments: [key.collection, key.row.string, key.field]) ?? 0
    }

    /// Stores `totals` (an admitted push's ``SyncModel/Admission/Result/counterTotals``).
    static func write(_ db: Database, _ totals: [CounterKey: Int64]) throws {
        guard !totals.isEmpty else { return }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO ps_log_counters (collection, row_id, field, total) VALUES (?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET total = excluded.total
            """)
        for (key, total) in totals { try upsert.execute(arguments: [key.collection, key.row.string, key.field, total]) }
    }

    /// Fills the table of a daemon's file written before it existed: the sums its own replica
    /// materialized (which compaction never runs ahead of) plus the `inc`s of the log after them.
    static func fill(_ db: Database) throws {
        guard try String.fetchOne(db, sql: "SELECT department FROM ps_identity") == ServerLog.department else { return }
        var totals: [CounterKey: Int64] = [:]
        let materialized = try Row.fetchCursor(db, sql: "SELECT collection, row_id, field, value FROM ps_counters")
        while let row = try materialized.next() {
            let key = CounterKey(collection: try row.decode(String.self, atIndex: 0), row: try row.decode(String.self, atIndex: 1),
                                 field: try row.decode(String.self, atIndex: 2))
            totals[key, default: 0] &+= try row.decode(Int64.self, atIndex: 3)
        }
        let tail = try Row.fetchCursor(db, sql: "SELECT collection, row_id, field, delta FROM ps_log WHERE position > ? AND kind = 'inc'",
                                       arguments: [Int64(clamping: try ReplicaStore.cursor(db))])
        while let row = try tail.next() {
            let key = CounterKey(collection: try row.decode(String.self, atIndex: 0), row: try row.decode(String.self, atIndex: 1),
                                 field: try row.decode(String.self, atIndex: 2))
            totals[key, default: 0] &+= try row.decode(Int64?.self, atIndex: 3) ?? 0
        }
        try write(db, totals)
    }
}
