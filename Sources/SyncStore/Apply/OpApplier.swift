import GRDB
import SyncModel

/// Applies ops to a replica inside one transaction (a local write or a remote batch): the field's
/// merge state is loaded into the SyncModel type (``TouchedRows``), changed by the model's own
/// function, and the difference written back with the shown value and `row_vv`; conflict history
/// is written as each op applies.
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
    private(set) var applied: AppliedMarks
    private var rows = TouchedRows()
    private var record = OpRecord()
    /// The node of the latest op, already checked to be a valid node id.
    private var checkedNode: String?

    /// `notifiesObservers`: whether the transaction names its changes to GRDB's observers
    /// (``TouchedRows/notifiesObservers``).
    init(db: Database, layout: TableLayout, ownNode: String, ownDepartment: String, origin: LoggedOp.Origin, wallMilliseconds: UInt64,
         notifiesObservers: Bool = true) throws {
        self.db = db
        rows.notifiesObservers = notifiesObservers
        self.layout = layout
        self.ownNode = ownNode
        self.ownDepartment = ownDepartment
        self.origin = origin
        self.wallMilliseconds = wallMilliseconds
        applied = try AppliedMarks(db)
    }

    /// Applies one op; false when its dot was already applied. `record` = false leaves it out of
    /// the recent-op record (the oldest ops of a batch bigger than the record).
    @discardableResult
    mutating func apply(_ op: Op, record recorded: Bool = true) throws -> Bool {
        // Ops made in code rather than decoded from the wire have not had their dot checked; a
        // batch repeats few nodes, so each is checked once in a row.
        guard op.seq >= 1, op.seq <= Dot.maxSeq, op.node == checkedNode || NodeID.isValid(op.node) else {
            throw StoreError.validation(ValidationError("op \(op.dot): node or seq out of range"))
        }
        if op.node != checkedNode { checkedNode = op.node }
        if applied.contains(node: op.node, seq: op.seq) { return false }
        try layout.schema.validate(op)
        if origin == .local, op.department == nil {
            var stamped = op
            stamped.department = ownDepartment
            try applyValid(stamped, record: recorded)
        } else {
            try applyValid(op, record: recorded)
        }
        return true
    }

    /// Applies an op that fits the schema and was not applied yet.
    private mutating func applyValid(_ op: Op, record recorded: Bool) throws {
        let r = try rows.row(op.collection, op.row, db) {
            guard let table = layout.collections[op.collection] else { throw StoreError.corrupt("no table for \(op.collection)") }
            return table
        }
        if op.field == Op.deletedField {
            try applyDeleted(op, row: r)
        } else {
            guard let field = rows.rows[r].table.byName[op.field] else { throw StoreError.corrupt("no column for \(op.collection).\(op.field)") }
            var state = try rows.state(row: r, column: field.index, field: field.name, family: field.family, db)
            let before = state
            let dropped = state.apply(op)
            rows.update(row: r, column: field.index, state)
            if case .register(let old) = before, old.isConflict, !dropped.isEmpty, case .register(let now) = state {
                try recordRegisterHistory(op.collection, op.row, op.field, before: old, dropped: dropped, kept: now.value, by: op)
            }
            rows.observe(row: r, op.dot)
        }
        applied.observe(node: op.node, seq: op.seq, hlc: op.hlc)
        if recorded { try record.append(op) }
    }

    /// `_deleted`: the row's liveness register and `row_vv`, to see an `edit_on_deleted` close.
    private mutating func applyDeleted(_ op: Op, row r: Int) throws {
        let column = rows.rows[r].table.deletedIndex
        guard case .register(let deleted) = try rows.state(row: r, column: column, field: Op.deletedField, family: .register, db) else {
            throw StoreError.corrupt("_deleted of \(op.collection) \(op.row)")
        }
        var row = RowState(deleted: deleted, vv: try rows.rowVV(row: r, db))
        let before = row
        let dropped = row.apply(op, family: .register)
        rows.update(row: r, column: column, .register(row.deleted))
        if before.deleted.isConflict, !dropped.isEmpty {
            try recordRegisterHistory(op.collection, op.row, Op.deletedField, before: before.deleted, dropped: dropped, kept: row.deleted.value, by: op)
        }
        if !before.editsAfterDelete.isEmpty, row.editsAfterDelete.isEmpty,
           let closed = Conflict.of(row: before, id: op.row, collection: op.collection).first(where: { $0.kind == .editOnDeleted }) {
            try recordEditOnDeletedHistory(closed, before: before, kept: row.deleted.value, by: op)
        }
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

    /// Writes the touched rows (field states, shown values, `row_vv`), the applied-dot marks of
    /// the nodes this transaction moved, and the op record entry.
    mutating func finish() throws {
        try rows.flush(db)
        try applied.flush(db)
        try record.flush(db, origin: origin, wallMilliseconds: wallMilliseconds)
    }
}
