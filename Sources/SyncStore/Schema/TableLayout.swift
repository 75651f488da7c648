import GRDB
import SyncModel

/// SQL for one declared field, computed once per store so hot loops do no schema lookups.
struct FieldLayout: Sendable {
    let name: String
    let kind: FieldKind
    let family: CRDTFamily
    /// The quoted column name.
    let column: String
    /// The target collection of a `ref` field.
    let refTarget: String?
    /// Position in ``CollectionLayout/fields``; ``CollectionLayout/deletedIndex`` is `_deleted`.
    let index: Int
}

/// The readable table of one collection: `id`, one column per field, `_deleted`.
struct CollectionLayout: Sendable {
    let name: String
    /// The quoted table name.
    let table: String
    /// Declared fields in schema order.
    let fields: [FieldLayout]
    let byName: [String: FieldLayout]
    /// The column index of `_deleted` (after the fields).
    var deletedIndex: Int { fields.count }

    init(_ collection: CollectionSchema) throws {
        name = collection.name
        guard !name.isEmpty, !name.lowercased().hasPrefix("ps_"), !name.lowercased().hasPrefix("sqlite_"),
              name.lowercased() != "grdb_migrations" else {
            throw StoreError.validation(ValidationError("collection name \"\(name)\" is reserved"))
        }
        table = TableLayout.quote(name)
        var fields: [FieldLayout] = []
        var byName: [String: FieldLayout] = [:]
        for f in collection.fields {
            let lower = f.name.lowercased()
            guard !f.name.isEmpty, lower != "id", lower != Op.deletedField, byName[f.name] == nil else {
                throw StoreError.validation(ValidationError("\(name): field name \"\(f.name)\" is reserved or repeated"))
            }
            let column = TableLayout.quote(f.name)
            var target: String?
            if case .ref(let t) = f.kind { target = t }
            let layout = FieldLayout(name: f.name, kind: f.kind, family: f.kind.crdt, column: column, refTarget: target, index: fields.count)
            fields.append(layout)
            byName[f.name] = layout
        }
        self.fields = fields
        self.byName = byName
    }

    /// `INSERT … ON CONFLICT(id) DO UPDATE` of the given columns (indexes as in ``FieldLayout/index``),
    /// the id first, then the columns in the given order, for any number of rows.
    func upsert(columns: [Int]) -> MultiRowInsert {
        let names = columns.map { $0 == deletedIndex ? TableLayout.deletedColumn : fields[$0].column }
        return MultiRowInsert(head: "INSERT INTO \(table) (id, " + names.joined(separator: ", ") + ") VALUES",
                              tail: "ON CONFLICT(id) DO UPDATE SET " + names.map { "\($0) = excluded.\($0)" }.joined(separator: ", "),
                              width: names.count + 1)
    }

    /// The SQL type a field's shown value has.
    static func sqlType(_ kind: FieldKind) -> String {
        switch kind {
        case .integer, .bool, .counter: return "INTEGER"
        case .real: return "REAL"
        case .text, .date, .datetime, .enumeration, .ref, .textSet: return "TEXT"
        }
    }

    /// Creates the table, or adds the columns a newer schema declares.
    func ensureTable(_ db: Database) throws {
        if try db.tableExists(name) {
            let existing = Set(try db.columns(in: name).map { $0.name.lowercased() })
            for f in fields where !existing.contains(f.name.lowercased()) {
                try db.execute(sql: "ALTER TABLE \(table) ADD COLUMN \(f.column) \(CollectionLayout.sqlType(f.kind))")
            }
        } else {
            let columns = fields.map { "\($0.column) \(CollectionLayout.sqlType($0.kind))" }
            try db.execute(sql: "CREATE TABLE \(table) (id TEXT PRIMARY KEY NOT NULL, "
                + columns.map { $0 + ", " }.joined()
                + "\(TableLayout.deletedColumn) INTEGER NOT NULL DEFAULT 0)")
        }
    }
}

/// Every collection's layout, built once from the ``SyncModel/Schema``.
struct TableLayout: Sendable {
    static let deletedColumn = "\"_deleted\""

    let schema: Schema
    let collections: [String: CollectionLayout]
    /// In schema order.
    let ordered: [CollectionLayout]

    init(_ schema: Schema) throws {
        self.schema = schema
        var byName: [String: CollectionLayout] = [:]
        var ordered: [CollectionLayout] = []
        for c in schema.collections {
            guard byName[c.name] == nil else {
                throw StoreError.validation(ValidationError("collection \"\(c.name)\" is declared twice"))
            }
            let layout = try CollectionLayout(c)
            byName[c.name] = layout
            ordered.append(layout)
        }
        collections = byName
        self.ordered = ordered
    }

    /// Row `id`'s `_deleted` column in the readable table: nil when `collection` is not in the
    /// layout or has no such row.
    func isDeleted(_ db: Database, _ collection: String, _ id: String) throws -> Bool? {
        guard let c = collections[collection] else { return nil }
        return try Bool.fetchOne(db.cachedStatement(sql: "SELECT \(TableLayout.deletedColumn) FROM \(c.table) WHERE id = ?"), arguments: [id])
    }

    /// The collection's layout, or a validation error listing the known ones.
    func collection(_ name: String) throws -> CollectionLayout {
        guard let c = collections[name] else {
            throw StoreError.validation(ValidationError("unknown collection \"\(name.prefix(80))\"; known: "
                + ordered.map(\.name).joined(separator: ", ")))
        }
        return c
    }

    static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension Value {
    /// The shown value as SQLite stores it: bool as 0/1, text as TEXT, numbers natively.
    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .bool(let b): return (b ? 1 : 0).databaseValue
        case .integer(let i): return i.databaseValue
        case .real(let d): return d.databaseValue
        case .text(let s): return s.databaseValue
        }
    }
}
