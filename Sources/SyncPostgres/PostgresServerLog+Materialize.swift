import Logging
import NIOCore
import PostgresNIO
import SyncModel

extension PostgresServerLog {
    /// Ops folded per transaction by ``materialize()``.
    static let materializeBatch = 1_000

    /// Brings the readable tables up to the log head: one table per collection of the schema
    /// (`id`, one column per field holding its shown value — register winner, counter sum, set as
    /// a JSON array of text — and `_deleted`), as the SQLite file's own replica shows them.
    ///
    /// The merge state behind them is kept in `ps_state` (each row's ``SyncModel/SnapshotRecord``)
    /// with the position folded so far in `ps_materialized`, so a restarted daemon goes on where
    /// the last one stopped instead of replaying the log. Each batch is one transaction that
    /// locks the `ps_materialized` row: daemons on one database take turns, and a daemon whose
    /// folded state is behind the row (another one went on meanwhile) reloads it from `ps_state`.
    /// Without a schema it does nothing. Throws ``PostgresLogError``.
    public func materialize() throws {
        guard let schema else { return }
        try materialized.withLockedValue { cache in
            try materializer.with { connection in
                if !cache.tablesReady {
                    try materializer.inTransaction(on: connection) { connection in try ensureReadableTables(schema, connection) }
                    cache.tablesReady = true
                }
                while true {
                    let (position, versionVector) = try materializedMark(connection)
                    let ops = try opsPage(after: Int64(clamping: position), limit: PostgresServerLog.materializeBatch, connection)
                    guard !ops.isEmpty else { return }
                    let base: Snapshot
                    if let cached = cache.snapshot, cached.horizon == position { base = cached } else {
                        base = Snapshot(horizon: position, versionVector: versionVector, records: try stateRecords(schema, connection), schema: schema)
                    }
                    var next = base
                    do { try next.fold(ops) } catch { throw PostgresLogError.corrupt("materializing: \(error)") }
                    var touched: [SnapshotKey] = []
                    var seen = Set<SnapshotKey>()
                    for op in ops {
                        let key = SnapshotKey(collection: op.collection, row: op.row)
                        if seen.insert(key).inserted { touched.append(key) }
                    }
                    let written: Bool
                    do {
                        written = try materializer.inTransaction(on: connection) { connection in
                            let now = try connection.value("SELECT position FROM ps_materialized FOR UPDATE", as: Int64.self, logger: logger)
                            guard now == Int64(position) else { return false }   // another daemon went on
                            for key in touched {
                                guard let row = next.state.row(key.collection, key.row), let collection = schema.collection(key.collection) else { continue }
                                try write(SnapshotRecord(collection: key.collection, row: key.row, state: row), collection, connection)
                            }
                            try connection.run("UPDATE ps_materialized SET position = \(Int64(next.horizon)), vv = \(next.versionVector.jsonText)", logger: logger)
                            return true
                        }
                    } catch {
                        cache.snapshot = nil
                        throw error
                    }
                    guard written else {                                // reload what the other daemon folded
                        cache.snapshot = nil
                        continue
                    }
                    cache.snapshot = next
                }
            }
        }
    }

    /// The position folded into `ps_state` and its version vector.
    private func materializedMark(_ connection: PostgresConnection) throws -> (UInt64, VersionVector) {
        guard let row = try connection.run("SELECT position, vv FROM ps_materialized", logger: logger).first else {
            throw PostgresLogError.corrupt("ps_materialized has no row")
        }
        do {
            let (position, vv) = try row.decode((Int64, String).self)
            guard let versionVector = VersionVector(jsonText: vv) else { throw PostgresLogError.corrupt("ps_materialized.vv is not a version vector") }
            return (UInt64(max(0, position)), versionVector)
        } catch let error as PostgresLogError { throw error } catch { throw PostgresLogError.corrupt("ps_materialized: \(error)") }
    }

    /// Every row's merge state as stored.
    private func stateRecords(_ schema: Schema, _ connection: PostgresConnection) throws -> [SnapshotRecord] {
        try connection.run("SELECT record FROM ps_state", logger: logger).map { row in
            do {
                let bytes = try row.decode(ByteBuffer.self)
                return try SnapshotRecord.decode(String(buffer: bytes), schema: schema)
            } catch { throw PostgresLogError.corrupt("ps_state: \(error)") }
        }
    }

    /// One row's merge state and its readable row.
    private func write(_ record: SnapshotRecord, _ collection: CollectionSchema, _ connection: PostgresConnection) throws {
        let json: [UInt8]
        do { json = try record.encoded() } catch { throw PostgresLogError.corrupt("materializing \(record.key): \(error)") }
        try connection.run("""
            INSERT INTO ps_state (collection, row_id, record) VALUES (\(record.collection), \(record.row), \(ByteBuffer(bytes: json)))
            ON CONFLICT (collection, row_id) DO UPDATE SET record = excluded.record
            """, logger: logger)
        var bindings = PostgresBindings()
        bindings.append(record.row)
        bindings.append(record.state.isDeleted)
        var columns = ["id", "_deleted"].map(PostgresServerLog.quoted)
        for field in collection.fields {
            columns.append(PostgresServerLog.quoted(field.name))
            PostgresServerLog.bind(record.state.fields[field.name]?.shown ?? .null, as: field.kind, into: &bindings)
        }
        let placeholders = (1...columns.count).map { "$\($0)" }.joined(separator: ", ")
        let updates = columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let sql = "INSERT INTO \(PostgresServerLog.quoted(collection.name)) (\(columns.joined(separator: ", "))) VALUES (\(placeholders)) "
            + "ON CONFLICT (id) DO UPDATE SET \(updates)"
        try connection.run(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
    }

    /// Creates the readable tables and any column a newer schema added: once per process (the DDL
    /// takes table locks), idempotent across daemons. Runs in the caller's transaction, under the
    /// migrations' advisory lock: two sessions running `CREATE TABLE IF NOT EXISTS` for one new
    /// table at once both try to create it, and one fails on `pg_type`'s unique index.
    private func ensureReadableTables(_ schema: Schema, _ connection: PostgresConnection) throws {
        try connection.run("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", logger: logger)
        for collection in schema.collections {
            let table = PostgresServerLog.quoted(collection.name)
            try connection.run(PostgresQuery(unsafeSQL: """
                CREATE TABLE IF NOT EXISTS \(table) (id text COLLATE "C" PRIMARY KEY, "_deleted" boolean NOT NULL DEFAULT false)
                """), logger: logger)
            for field in collection.fields {
                try connection.run(PostgresQuery(unsafeSQL: """
                    ALTER TABLE \(table) ADD COLUMN IF NOT EXISTS \(PostgresServerLog.quoted(field.name)) \(PostgresServerLog.sqlType(field.kind))
                    """), logger: logger)
            }
        }
    }

    /// A PostgreSQL identifier in double quotes (names come from the schema, not from input).
    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// The column type of a field kind: as the SQLite file's, with PostgreSQL's own boolean.
    static func sqlType(_ kind: FieldKind) -> String {
        switch kind {
        case .integer, .counter: return "bigint"
        case .bool: return "boolean"
        case .real: return "double precision"
        case .text, .date, .datetime, .enumeration, .ref, .textSet: return "text"
        }
    }

    /// Binds a shown value as its column's type; a value of another type (none yet) is NULL.
    static func bind(_ value: Value, as kind: FieldKind, into bindings: inout PostgresBindings) {
        switch (kind, value) {
        case (.integer, .integer(let i)), (.counter, .integer(let i)): bindings.append(i)
        case (.bool, .bool(let b)): bindings.append(b)
        case (.real, .real(let d)): bindings.append(d)
        case (.real, .integer(let i)): bindings.append(Double(i))
        case (.text, .text(let s)), (.date, .text(let s)), (.datetime, .text(let s)), (.enumeration, .text(let s)),
             (.ref, .text(let s)), (.textSet, .text(let s)): bindings.append(s)
        default: bindings.appendNull()
        }
    }
}

/// What ``PostgresServerLog/materialize()`` keeps between calls in one process.
struct MaterializedCache {
    /// The merged state as last folded (nil: reload from `ps_state`).
    var snapshot: Snapshot?
    /// Whether the readable tables were made in this process.
    var tablesReady = false
}
