import GRDB
import SyncModel

// MARK: - Reads

extension ReplicaStore {
    /// One row, deleted or not; nil when no op has touched it.
    public func row(_ collection: String, id: String) throws -> RowView? {
        let table = try layout.collection(collection)
        return try read { db in
            try StateLoader(db: db).row(collection, id).map { try RowViews(db: db, layout: layout).view(table, id, $0) }
        }
    }

    /// Rows in id order (UTF-8 bytes) whose shown values equal `filters`: a register equals the
    /// value (`null` matches unset), a counter its sum, a set holds the element. Live rows only
    /// unless `includeDeleted`.
    public func rows(_ collection: String, where filters: [String: Value] = [:], includeDeleted: Bool = false) throws -> [RowView] {
        let table = try layout.collection(collection)
        var conditions: [String] = []
        var arguments: [DatabaseValue] = []
        if !includeDeleted { conditions.append("\(TableLayout.deletedColumn) = 0") }
        for name in filters.keys.sorted() {
            let value = filters[name] ?? .null
            let path = "\(collection).\(name)"
            if name == Op.deletedField {
                guard case .bool(let b) = value else { throw StoreError.validation(ValidationError("\(path): expected true or false")) }
                conditions.append("\(TableLayout.deletedColumn) = ?")
                arguments.append((b ? 1 : 0).databaseValue)
                continue
            }
            guard let f = table.byName[name] else {
                throw StoreError.validation(ValidationError("\(collection): unknown field \"\(name.prefix(80))\"; known: " + table.fields.map(\.name).joined(separator: ", ")))
            }
            switch (f.family, value) {
            case (.register, .null):
                conditions.append("\(f.column) IS NULL")
            case (.register, _):
                do { try schema.validate(value, for: FieldSchema(f.name, f.kind), path: path) } catch { throw StoreError.validation(error) }
                conditions.append("\(f.column) = ?")
                arguments.append(value.databaseValue)
            case (.counter, .integer(let i)):
                conditions.append("coalesce(\(f.column), 0) = ?")
                arguments.append(i.databaseValue)
            case (.set, .text(let element)):
                conditions.append("EXISTS (SELECT 1 FROM ps_set_tags WHERE collection = ? AND row_id = \(table.table).id AND field = ? AND element = ?)")
                arguments += [collection.databaseValue, f.name.databaseValue, element.databaseValue]
            case (.counter, _), (.set, _):
                throw StoreError.validation(ValidationError("\(path): \(value.jsonText.prefix(80)) is not \(f.family == .counter ? "a whole number" : "text")"))
            }
        }
        let sql = "SELECT id FROM \(table.table)" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY id"
        return try read { db in
            let ids = try String.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            let loader = StateLoader(db: db), views = RowViews(db: db, layout: layout)
            return try ids.compactMap { id in try loader.row(collection, id).map { try views.view(table, id, $0) } }
        }
    }

    /// Every open conflict, by collection, row id, then field, as the model lists them.
    public func openConflicts() throws -> [ConflictView] {
        try read { db in
            let finder = ConflictFinder(db: db, layout: layout)
            return try finder.all().map(finder.view)
        }
    }

    /// The open conflict with this id or unique id prefix; nil when none. Throws
    /// ``StoreError/ambiguousConflict(_:)`` for a prefix matching several.
    public func conflict(_ id: String) throws -> ConflictView? {
        try read { db in
            let finder = ConflictFinder(db: db, layout: layout)
            do { return try finder.view(try finder.find(id)) } catch StoreError.noSuchConflict { return nil }
        }
    }

    /// Closed conflicts, oldest first.
    public func conflictHistory() throws -> [ResolvedConflict] {
        try read { db in try HistoryReader(db: db).all() }
    }

    /// The latest applied ops (local and remote), newest first, at most `limit`; the record keeps
    /// the last few thousand.
    public func recentOps(limit: Int) throws -> [LoggedOp] {
        try read { db in
            try OpRecord.recent(db, limit: limit)
        }
    }

    /// Node, department, server, outbox, cursor, open conflicts, state hash and counts.
    public func status() throws -> ReplicaStatus {
        try read { db in
            let identity = try IdentityRecord.read(db)
            var rows = 0, deleted = 0
            for table in layout.ordered {
                rows += try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.table)") ?? 0
                deleted += try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.table) WHERE \(TableLayout.deletedColumn) = 1") ?? 0
            }
            return ReplicaStatus(
                node: identity.node, department: identity.department, server: identity.server,
                outbox: try Int.fetchOne(db, sql: "SELECT count(*) FROM ps_outbox") ?? 0,
                cursor: try ReplicaStore.cursor(db),
                openConflicts: try ConflictFinder(db: db, layout: layout).all().count,
                stateHash: try ReplicaStore.stateHash(db, schema: schema),
                rows: rows, deletedRows: deleted,
                opsApplied: UInt64(max(0, try Int64.fetchOne(db, sql: "SELECT coalesce(sum(seq), 0) FROM ps_applied") ?? 0)),
                schemaVersion: try Int.fetchOne(db, sql: "SELECT schema_version FROM ps_identity") ?? schema.version,
                tls: identity.tls,
                history: try ReplicaStore.historyReach(db))
        }
    }
}
