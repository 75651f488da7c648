import GRDB
import SyncModel

/// The rows one transaction touches, with the merge state of each touched field in SyncModel
/// types: loaded from the metadata tables at most once, changed in memory by the model's
/// functions, and written back once when the transaction finishes (``flush(_:)``), as a difference
/// (siblings dropped and added, counter sum, set tags), the shown values and the `row_vv` raises.
///
/// Rows are kept in first-touched order, so the writes are deterministic. Fields are found by
/// their column index (``FieldLayout/index``), and consecutive ops of one row find it without a
/// dictionary lookup. A row that was not in its readable table when the transaction began (every
/// applied op creates it) starts empty without any read, so a new row's ops cost no lookups.
struct TouchedRows {
    /// One touched field: its state as stored when the transaction began (nil when absent), and now.
    struct Field {
        let initial: FieldState?
        var current: FieldState
    }

    struct Row {
        let key: RowKey
        let table: CollectionLayout
        /// Whether the row was in its readable table before the transaction.
        let existed: Bool
        /// By column index; `_deleted` at ``CollectionLayout/deletedIndex``.
        var fields: [Field?]
        /// Column indexes of the touched fields, in first-touched order.
        var touched: [Int] = []
        /// `row_vv` raises not yet written: node and seq.
        var vv: [(node: String, seq: UInt64)] = []
    }

    /// Rows of one collection whose shown values are written by one upsert shape.
    private struct ShownColumns: Hashable {
        let collection: String
        let columns: [Int]
    }

    private(set) var rows: [Row] = []
    /// Whether ``flush(_:)`` names the changed tables to GRDB's observers (false while nothing
    /// observes the store: ``ObservationFlag``).
    var notifiesObservers = true
    private var positions: [RowKey: Int] = [:]
    private var latest = -1
    /// `SELECT 1 FROM <table> WHERE id = ?` per collection.
    private var lookups: [String: RawStatement] = [:]
    /// Reads the stored state of the fields of rows that existed.
    private var store = FieldStore()

    /// The position of the row in ``rows``. The first time it is touched, `table` gives its
    /// collection's layout and whether it existed is looked up (one read per row per transaction).
    mutating func row(_ collection: String, _ id: String, _ db: Database, table: () throws -> CollectionLayout) throws -> Int {
        if latest >= 0, rows[latest].key.names(collection, id) { return latest }
        let key = RowKey(collection: collection, row: id)
        if let known = positions[key] {
            latest = known
            return known
        }
        let layout = try table()
        let existed = try exists(key, layout, db)
        rows.append(Row(key: key, table: layout, existed: existed, fields: Array(repeating: nil, count: layout.deletedIndex + 1)))
        latest = rows.count - 1
        positions[key] = latest
        return latest
    }

    /// The field's current state: as loaded, changed by earlier ops of the transaction, or empty of
    /// `family` when it has had no op.
    mutating func state(row r: Int, column: Int, field name: String, family: CRDTFamily, _ db: Database) throws -> FieldState {
        if let field = rows[r].fields[column] { return field.current }
        var initial: FieldState?
        if rows[r].existed {
            let c = rows[r].key.collection, id = rows[r].key.row
            switch family {
            case .register:
                let siblings = try store.siblings(db, c, id, name)
                initial = siblings.isEmpty ? nil : .register(MultiValueRegister(siblings: siblings))
            case .counter:
                initial = try store.counter(db, c, id, name).map(FieldState.counter)
            case .set:
                initial = try store.set(db, c, id, name)
            }
        }
        let current = initial ?? FieldState(empty: family)
        rows[r].fields[column] = Field(initial: initial, current: current)
        rows[r].touched.append(column)
        return current
    }

    /// Replaces the field's state (after ``state(row:column:field:family:_:)``).
    mutating func update(row r: Int, column: Int, _ state: FieldState) {
        rows[r].fields[column]?.current = state
    }

    /// Raises the row's `row_vv` entry for the dot's node (``SyncModel/VersionVector/observe(_:)``).
    mutating func observe(row r: Int, _ dot: Dot) {
        if let i = rows[r].vv.firstIndex(where: { $0.node == dot.node }) {
            if dot.seq > rows[r].vv[i].seq { rows[r].vv[i].seq = dot.seq }
        } else {
            rows[r].vv.append((dot.node, dot.seq))
        }
    }

    /// The row's `row_vv`: as stored, raised by this transaction's ops.
    mutating func rowVV(row r: Int, _ db: Database) throws -> VersionVector {
        var vv = rows[r].existed ? try store.rowVV(db, rows[r].key.collection, rows[r].key.row) : VersionVector()
        for (node, seq) in rows[r].vv { vv.observe(Dot(node: node, seq: seq)) }
        return vv
    }

    /// Puts a whole row from a snapshot record in place (a bootstrap): every field's state, the
    /// `_deleted` register when it has been written, and the `row_vv`. Written by ``flush(_:)``.
    mutating func install(_ record: SnapshotRecord, table: CollectionLayout, _ db: Database) throws {
        let r = try row(record.collection, record.row, db) { table }
        for (name, state) in record.state.fields {
            guard let field = rows[r].table.byName[name] else { throw StoreError.corrupt("no column for \(record.collection).\(name)") }
            _ = try self.state(row: r, column: field.index, field: field.name, family: field.family, db)
            update(row: r, column: field.index, state)
        }
        if !record.state.deleted.siblings.isEmpty {
            let column = rows[r].table.deletedIndex
            _ = try state(row: r, column: column, field: Op.deletedField, family: .register, db)
            update(row: r, column: column, .register(record.state.deleted))
        }
        for (node, seq) in record.state.vv.sorted { observe(row: r, Dot(node: node, seq: seq)) }
    }

    // MARK: Writing

    /// Writes every touched row (field differences, shown values, `row_vv`) and forgets them.
    /// Rows that show the same columns are written together (``MultiRowInsert``).
    mutating func flush(_ db: Database) throws {
        var fields = FieldWriter(db: db)
        var shown: [ShownColumns: [Int]] = [:]
        var shownOrder: [ShownColumns] = []
        var vvCount = 0
        for (r, row) in rows.enumerated() {
            let columns = row.touched.sorted()
            vvCount += row.vv.count
            guard !columns.isEmpty else { continue }
            for column in columns {
                guard let field = row.fields[column] else { continue }
                let name = column == row.table.deletedIndex ? Op.deletedField : row.table.fields[column].name
                try TouchedRows.write(field, row.key, name, &fields)
            }
            let group = ShownColumns(collection: row.key.collection, columns: columns)
            if shown[group] == nil { shownOrder.append(group) }
            shown[group, default: []].append(r)
        }
        try fields.flush()
        for group in shownOrder {
            guard let members = shown[group], let first = members.first else { continue }
            var upsert = rows[first].table.upsert(columns: group.columns)
            try upsert.write(db, count: members.count) { statement, parameter, i in
                let row = rows[members[i]]
                try statement.bind(parameter, row.key.row)
                for (k, column) in group.columns.enumerated() {
                    guard let field = row.fields[column] else { throw StoreError.corrupt("untouched column \(column)") }
                    try statement.bind(parameter + 1 + Int32(k), shown: TouchedRows.shown(field.current, deleted: column == row.table.deletedIndex))
                }
            }
        }
        if vvCount > 0 {
            var entries: [(row: Int, node: String, seq: UInt64)] = []
            entries.reserveCapacity(vvCount)
            for (r, row) in rows.enumerated() {
                for (node, seq) in row.vv.sorted(by: { ExactText.less($0.node, $1.node) }) { entries.append((r, node, seq)) }
            }
            var insert = MultiRowInsert(texts: TouchedRows.vvUpserts, width: 4)
            try insert.write(db, count: entries.count) { statement, first, i in
                let (r, node, seq) = entries[i]
                try statement.bind(first, rows[r].key.collection)
                try statement.bind(first + 1, rows[r].key.row)
                try statement.bind(first + 2, node)
                try statement.bind(first + 3, seq: seq)
            }
        }
        try notifyObservers(db)
        rows = []
        positions = [:]
        latest = -1
        lookups = [:]
        store = FieldStore()
    }

    /// The writes above go through SQLite's C API, which GRDB's change tracking does not see: the
    /// readable tables they changed, and the siblings behind open conflicts, are named to GRDB, so
    /// a `ValueObservation` of an app embedding the store (docs/library.md) sees them at commit.
    /// Skipped while nothing observes the store (``ObservationFlag``).
    private func notifyObservers(_ db: Database) throws {
        guard notifiesObservers, !rows.isEmpty else { return }
        var named = Set<String>()
        for row in rows where named.insert(row.table.name).inserted {
            try db.notifyChanges(in: Table(row.table.name))
        }
        try db.notifyChanges(in: Table("ps_registers"))
    }

    private static let vvUpserts = MultiRowInsert.texts(
        head: "INSERT INTO ps_row_vv (collection, row_id, node, seq) VALUES",
        tail: "ON CONFLICT DO UPDATE SET seq = max(seq, excluded.seq)", width: 4)

    /// The value the readable table shows: the field's ``SyncModel/FieldState/shown``, and for
    /// `_deleted` whether the row is deleted (its winner is true).
    static func shown(_ state: FieldState, deleted: Bool) -> Value {
        guard deleted else { return state.shown }
        return .bool(state.shown == .bool(true))
    }

    /// Writes the difference between the field's initial and current state.
    private static func write(_ field: Field, _ key: RowKey, _ name: String, _ writer: inout FieldWriter) throws {
        let c = key.collection, r = key.row
        switch (field.initial, field.current) {
        case (let initial, .register(let now)):
            if case .register(let before)? = initial {
                let gone = before.siblings.filter { s in !now.siblings.contains { $0.dot == s.dot } }
                for s in gone.sorted(by: { $0.dot < $1.dot }) { try writer.deleteSibling(c, r, name, s.dot) }
                for s in now.siblings where !before.siblings.contains(where: { $0.dot == s.dot }) { writer.insertSibling(c, r, name, s) }
            } else {
                for s in now.siblings { writer.insertSibling(c, r, name, s) }
            }
        case (let initial, .counter(let now)):
            if initial != .counter(now) { writer.writeCounter(c, r, name, now) }
        case (let initial, .set(let now)):
            var old: [ExactText: Set<Dot>] = [:]
            if case .set(let before)? = initial { old = before.tags } else { writer.markSet(c, r, name) }
            for element in Set(old.keys).union(now.tags.keys).sorted() {
                let was = old[element] ?? [], live = now.tags[element] ?? []
                for dot in was.subtracting(live).sorted() { try writer.deleteTag(c, r, name, element.string, dot) }
                for dot in live.subtracting(was).sorted() { writer.insertTag(c, r, name, element.string, dot) }
            }
        }
    }

    private mutating func exists(_ key: RowKey, _ table: CollectionLayout, _ db: Database) throws -> Bool {
        let lookup: RawStatement
        if let known = lookups[key.collection] {
            lookup = known
        } else {
            lookup = try RawStatement(db, "SELECT 1 FROM \(table.table) WHERE id = ?")
            lookups[key.collection] = lookup
        }
        try lookup.bind(1, key.row)
        let found = try lookup.step()
        lookup.reset()
        return found
    }
}
