import GRDB
import SyncModel

/// Applies ops to a replica inside one transaction (a local write or a remote batch): the field's
/// merge state is loaded into the SyncModel type (``FieldCache``), changed by the model's own
/// function, and the difference written back with the shown value and `row_vv` (``PendingRows``);
/// conflict history is written as each op applies.
///
/// Field states, shown values, `row_vv` entries, applied-dot marks and the op record are written once per
/// transaction by ``finish()``, which must run before the transaction commits.
struct OpApplier {
    let db: Database
    let layout: TableLayout
    let ownNode: String
    let ownDepartment: String
    /// Local writes or remote ops (one kind per transaction).
    let origin: LoggedOp.Origin
    /// Wall-clock Unix milliseconds of this transaction (history and op record only).
    let wallMilliseconds: UInt64
    private(set) var applied: VersionVector
    private var changedNodes: Set<String> = []
    /// The greatest HLC applied, for the local clock.
    private(set) var maxHLC: HLCTimestamp = .zero
    private var pending = PendingRows()
    private var record = OpRecord()
    private var cache = FieldCache()

    init(db: Database, layout: TableLayout, ownNode: String, ownDepartment: String, origin: LoggedOp.Origin, wallMilliseconds: UInt64) throws {
        self.db = db
        self.layout = layout
        self.ownNode = ownNode
        self.ownDepartment = ownDepartment
        self.origin = origin
        self.wallMilliseconds = wallMilliseconds
        var entries: [String: UInt64] = [:]
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT node, seq FROM ps_applied"))
        while let row = try rows.next() {
            entries[try row.decode(String.self, atIndex: 0)] = UInt64(max(0, try row.decode(Int64.self, atIndex: 1)))
        }
        applied = VersionVector(entries)
    }

    /// Applies one op; false when its dot was already applied. `record` = false leaves it out of
    /// the recent-op record (the oldest ops of a batch bigger than the record).
    @discardableResult
    mutating func apply(_ op: Op, record recorded: Bool = true) throws -> Bool {
        // Ops made in code rather than decoded from the wire have not had their dot checked.
        guard op.seq >= 1, op.seq <= Dot.maxSeq, NodeID.isValid(op.node) else {
            throw StoreError.validation(ValidationError("op \(op.dot): node or seq out of range"))
        }
        if applied.contains(op.dot) { return false }
        try layout.schema.validate(op)
        guard let collection = layout.collections[op.collection] else { throw StoreError.corrupt("no table for \(op.collection)") }
        var stamped = op
        if stamped.department == nil, origin == .local { stamped.department = ownDepartment }
        let key = RowKey(collection: op.collection, row: op.row)
        if op.field == Op.deletedField {
            pending.show(key, column: collection.deletedIndex, try applyDeleted(stamped, key, collection))
        } else {
            guard let field = collection.byName[op.field] else { throw StoreError.corrupt("no column for \(op.collection).\(op.field)") }
            let slot = FieldCache.Key(row: key, field: op.field)
            var state = try cache.state(slot, family: field.family, db, collection)
            let before = state
            let dropped = state.apply(stamped)
            cache.update(slot, state)
            if case .register(let old) = before, old.isConflict, !dropped.isEmpty, case .register(let now) = state {
                try recordRegisterHistory(op.collection, op.row, op.field, before: old, dropped: dropped, kept: now.value, by: op)
            }
            pending.show(key, column: field.index, state.shown.databaseValue)
            pending.observe(key, op.dot)
        }
        applied.observe(op.dot)
        changedNodes.insert(op.node)
        if op.hlc > maxHLC { maxHLC = op.hlc }
        if recorded { try record.append(stamped) }
        return true
    }

    /// `_deleted`: the row's liveness register and `row_vv`, to see an `edit_on_deleted` close.
    private mutating func applyDeleted(_ op: Op, _ key: RowKey, _ table: CollectionLayout) throws -> DatabaseValue {
        let slot = FieldCache.Key(row: key, field: Op.deletedField)
        guard case .register(let deleted) = try cache.state(slot, family: .register, db, table) else {
            throw StoreError.corrupt("_deleted of \(key.collection) \(key.row)")
        }
        let stored = try cache.rowExisted(key, db, table) ? try FieldStore(db: db).rowVV(key.collection, key.row) : VersionVector()
        var row = RowState(deleted: deleted, vv: pending.rowVV(key, stored: stored))
        let before = row
        let dropped = row.apply(op, family: .register)
        cache.update(slot, .register(row.deleted))
        if before.deleted.isConflict, !dropped.isEmpty {
            try recordRegisterHistory(key.collection, key.row, Op.deletedField, before: before.deleted, dropped: dropped, kept: row.deleted.value, by: op)
        }
        if !before.editsAfterDelete.isEmpty, row.editsAfterDelete.isEmpty,
           let closed = Conflict.of(row: before, id: key.row, collection: key.collection).first(where: { $0.kind == .editOnDeleted }) {
            try recordEditOnDeletedHistory(closed, before: before, kept: row.deleted.value, by: op)
        }
        return Value.bool(row.isDeleted).databaseValue
    }

    // MARK: History

    private func recordRegisterHistory(_ c: String, _ r: String, _ f: String, before: MultiValueRegister, dropped: [Sibling],
                                       kept: Value, by op: Op) throws {
        let id = Conflict(kind: .register, collection: c, row: r, field: f, values: before.siblings).id
        let numbered = before.siblings.enumerated().filter { entry in dropped.contains { $0.dot == entry.element.dot } }
        for (index, s) in numbered {
            try insertHistory(id: id, kind: .register, c, r, f, n: index + 1, value: s.value, dot: s.dot,
                              department: s.department, hlc: s.hlc, kept: kept, by: op)
        }
    }

    /// A closed `edit_on_deleted`: a restore discards "keep deleted" (value 1), a covering delete
    /// discards "restore" (value 2, attributed to the latest unseen edit).
    private func recordEditOnDeletedHistory(_ conflict: Conflict, before: RowState, kept: Value, by op: Op) throws {
        let c = conflict.collection, r = conflict.row
        if kept == .bool(false), let winner = before.deleted.winner {
            try insertHistory(id: conflict.id, kind: .editOnDeleted, c, r, Op.deletedField, n: 1, value: winner.value, dot: winner.dot,
                              department: winner.department, hlc: winner.hlc, kept: kept, by: op)
        } else {
            let pending = record
            let edit = try EditWriters(db: db, unwritten: pending.find).latest(of: conflict.edits, collection: c, row: r)
            try insertHistory(id: conflict.id, kind: .editOnDeleted, c, r, Op.deletedField, n: 2, value: .bool(false), dot: edit.dot,
                              department: edit.department, hlc: edit.hlc, kept: kept, by: op)
        }
    }

    private func insertHistory(id: String, kind: Conflict.Kind, _ c: String, _ r: String, _ f: String, n: Int, value: Value, dot: Dot,
                               department: String?, hlc: HLCTimestamp, kept: Value, by op: Op) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO ps_conflict_history (conflict_id, kind, collection, row_id, field, n, value, node, seq, department, hlc,
                                             kept, resolved_node, resolved_seq, resolved_hlc, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [id, kind.rawValue, c, r, f, n, value.jsonText, dot.node, Int64(clamping: dot.seq), department,
                                          hlc.description, kept.jsonText, op.node, Int64(clamping: op.seq), op.hlc.description,
                                          Int64(clamping: wallMilliseconds)])
    }

    // MARK: Finish

    /// Writes the pending shown values and `row_vv` entries, the applied-dot marks of the nodes
    /// this batch touched, and trims the op record.
    mutating func finish() throws {
        try cache.flush(db)
        try pending.flush(db, layout: layout)
        if !changedNodes.isEmpty {
            let statement = try RawStatement(db, "INSERT INTO ps_applied (node, seq) VALUES (?, ?) ON CONFLICT DO UPDATE SET seq = excluded.seq")
            for node in changedNodes.sorted() {
                try statement.bind(1, node)
                try statement.bind(2, seq: applied[node])
                try statement.run()
            }
        }
        changedNodes = []
        try record.flush(db, origin: origin, wallMilliseconds: wallMilliseconds)
    }
}
