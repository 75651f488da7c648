import GRDB
import SyncModel

/// `ps_log_counters`: per counter, the sum of every `inc` delta in the daemon's log, compacted ops
/// included (``SyncModel/OpLogIndex/counterTotal(_:)``), so that ``SyncModel/Admission`` refuses an
/// `inc` that would take it beyond ±2^53 without summing the log. Written in the transaction that
/// appends the ops; empty on a laptop.
///
/// One instance per push, inside its transaction: the statements are bound and stepped through
/// ``RawStatement`` (a push of 1,000 ops reads and writes about 100 totals on the commit path).
final class LogCounterTotals {
    static let createTable = """
        CREATE TABLE ps_log_counters (
            collection TEXT NOT NULL,
            row_id TEXT NOT NULL,
            field TEXT NOT NULL,
            total INTEGER NOT NULL,
            PRIMARY KEY (collection, row_id, field)
        ) WITHOUT ROWID
        """

    private let db: Database
    private var lookup: RawStatement?
    private var upsert: RawStatement?

    init(_ db: Database) { self.db = db }

    /// The log's total of `key`, 0 when it was never incremented.
    func total(_ key: CounterKey) throws -> Int64 {
        let statement = try lookup ?? RawStatement(db, "SELECT total FROM ps_log_counters WHERE collection = ? AND row_id = ? AND field = ?")
        lookup = statement
        try bind(statement, key)
        defer { statement.reset() }
        return try statement.step() ? statement.int64(0) : 0
    }

    /// Stores `totals` (an admitted push's ``SyncModel/Admission/Result/counterTotals``).
    func write(_ totals: [CounterKey: Int64]) throws {
        guard !totals.isEmpty else { return }
        let statement = try upsert ?? RawStatement(db, """
            INSERT INTO ps_log_counters (collection, row_id, field, total) VALUES (?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET total = excluded.total
            """)
        upsert = statement
        for (key, total) in totals {
            try bind(statement, key)
            try statement.bind(4, total)
            try statement.run()
        }
    }

    private func bind(_ statement: RawStatement, _ key: CounterKey) throws {
        try statement.bind(1, key.collection)
        try statement.bind(2, key.row.string)
        try statement.bind(3, key.field)
    }

    /// Fills the table of a daemon's file written before it existed: the sums its own replica
    /// materialized (which compaction never runs ahead of) plus the `inc`s of the log after them.
    static func fill(_ db: Database) throws {
        guard try String.fetchOne(db, sql: "SELECT department FROM ps_identity") == ServerLog.department else { return }
        var totals: [CounterKey: Int64] = [:]
        let materialized = try Row.fetchCursor(db, sql: "SELECT collection, row_id, field, value FROM ps_counters")
        while let row = try materialized.next() {
            totals[try key(row), default: 0] &+= try row.decode(Int64.self, atIndex: 3)
        }
        let tail = try Row.fetchCursor(db, sql: "SELECT collection, row_id, field, delta FROM ps_log WHERE position > ? AND kind = 'inc'",
                                       arguments: [Int64(clamping: try ReplicaStore.cursor(db))])
        while let row = try tail.next() {
            totals[try key(row), default: 0] &+= try row.decode(Int64?.self, atIndex: 3) ?? 0
        }
        try LogCounterTotals(db).write(totals)
    }

    /// The key in columns 0–2 (collection, row_id, field) of `row`.
    private static func key(_ row: Row) throws -> CounterKey {
        CounterKey(collection: try row.decode(String.self, atIndex: 0), row: try row.decode(String.self, atIndex: 1),
                   field: try row.decode(String.self, atIndex: 2))
    }
}
