import GRDB
import SyncModel

/// Applies ops to a replica inside one transaction (a local write or a remote batch): the field's
/// merge state is loaded into the SyncModel type, changed by the model's own function, and the
/// difference written back with the shown value, `row_vv`, conflict history and the op record.
///
/// Applied-dot high-water marks are kept in memory for the batch and written by ``finish()``.
struct OpApplier {
    /// How many recent ops the `log` record keeps.
    static let recentOpsKept: Int64 = 5_000

    let db: Database
    let layout: TableLayout
    let ownNode: String
    let ownDepartment: String
    /// Wall-clock Unix milliseconds of this transaction (history and op record only).
    let wallMilliseconds: UInt64
    private(set) var applied: VersionVector
    private var changedNodes: Set<String> = []
    /// The greatest HLC applied, for the local clock.
    private(set) var maxHLC: HLCTimestamp = .zero
    private(set) var appliedCount = 0

    init(db: Database, layout: TableLayout, ownNode: String, ownDepartment: String, wallMilliseconds: UInt64) throws {
        self.db = db
        self.layout = layout
        self.ownNode = ownNode
        self.ownDepartment = ownDepartment
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
    mutating func apply(_ op: Op, origin: LoggedOp.Origin, record: Bool = true) throws -> Bool {
        if applied.contains(op.dot) { return false }
        try layout.schema.validate(op)
        guard let collection = layout.collections[op.collection] else { throw StoreError.corrupt("no table for \(op.collection)") }
        var stamped = op
        if stamped.department == nil, origin == .local { stamped.department = ownDepartment }
        let fields = FieldStore(db: db)
        let c = op.collection, r = op.row, f = op.field
        let shown: DatabaseValue
        let upsertSQL: String
        if f == Op.deletedField {
            shown = try applyDeleted(stamped, fields)
            upsertSQL = collection.deletedUpsertSQL
        } else {
            guard let field = collection.byName[f] else { throw StoreError.corrupt("no column for \(c).\(f)") }
            upsertSQL = field.upsertSQL
            switch field.family {
            case .register:
                var register = MultiValueRegister(siblings: try fields.siblings(c, r, f))
                let before = register
                let dropped = register.apply(stamped)
                try writeRegisterDiff(c, r, f, new: Sibling(stamped), dropped: dropped, fields)
                if before.isConflict, !dropped.isEmpty {
                    try recordRegisterHistory(c, r, f, before: before, dropped: dropped, kept: register.value, by: op)
                }
                shown = register.value.databaseValue
            case .counter:
                var state = FieldState.counter(try fields.counter(c, r, f) ?? PNCounter())
                state.apply(op)
                guard case .counter(let counter) = state else { throw StoreError.corrupt("counter \(c).\(f)") }
                try fields.writeCounter(c, r, f, counter)
                shown = state.shown.databaseValue
            case .set:
                var set = try fields.set(c, r, f)
                let before = set
                set.apply(op)
                try writeSetDiff(c, r, f, op: op, before: before, after: set, fields)
                shown = FieldState.set(set).shown.databaseValue
            }
            try fields.observeRowVV(c, r, op.dot)
        }
        try db.cachedStatement(sql: upsertSQL).execute(arguments: [r, shown])
        applied.observe(op.dot)
        changedNodes.insert(op.node)
        if op.hlc > maxHLC { maxHLC = op.hlc }
        appliedCount += 1
        if record { try recordOp(stamped, origin: origin) }
        return true
    }

    /// `_deleted`: the row's liveness register and `row_vv`, to see an `edit_on_deleted` close.
    private func applyDeleted(_ op: Op, _ fields: FieldStore) throws -> DatabaseValue {
        let c = op.collection, r = op.row
        var row = RowState(deleted: MultiValueRegister(siblings: try fields.siblings(c, r, Op.deletedField)), vv: try fields.rowVV(c, r))
        let before = row
        let dropped = row.apply(op, family: .register)
        try writeRegisterDiff(c, r, Op.deletedField, new: Sibling(op), dropped: dropped, fields)
        if before.deleted.isConflict, !dropped.isEmpty {
            try recordRegisterHistory(c, r, Op.deletedField, before: before.deleted, dropped: dropped, kept: row.deleted.value, by: op)
        }
        let openBefore = Conflict.of(row: before, id: r, collection: c).first { $0.kind == .editOnDeleted }
        let openAfter = Conflict.of(row: row, id: r, collection: c).first { $0.kind == .editOnDeleted }
        if let closed = openBefore, openAfter == nil {
            try recordEditOnDeletedHistory(closed, before: before, kept: row.deleted.value, by: op)
        }
        return Value.bool(row.isDeleted).databaseValue
    }

    private func writeRegisterDiff(_ c: String, _ r: String, _ f: String, new: Sibling, dropped: [Sibling], _ fields: FieldStore) throws {
        for s in dropped { try fields.deleteSibling(c, r, f, s.dot) }
        try fields.insertSibling(c, r, f, new)
    }

    private func writeSetDiff(_ c: String, _ r: String, _ f: String, op: Op, before: ORSet, after: ORSet, _ fields: FieldStore) throws {
        try fields.markSet(c, r, f)
        guard let element = op.element else { return }
        let old = before.tags[element] ?? [], new = after.tags[element] ?? []
        for dot in old.subtracting(new) { try fields.deleteTag(c, r, f, element, dot) }
        for dot in new.subtracting(old) { try fields.insertTag(c, r, f, element, dot) }
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
            let edit = try EditWriters(db: db).latest(of: conflict.edits, collection: c, row: r)
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
        try statement.execute(arguments: [id, kind.rawValue, c, r, f, n, value.jsonText, dot.node, Int64(dot.seq), department,
                                          hlc.description, kept.jsonText, op.node, Int64(op.seq), op.hlc.description,
                                          Int64(clamping: wallMilliseconds)])
    }

    // MARK: Record and finish

    private func recordOp(_ op: Op, origin: LoggedOp.Origin) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO ps_recent_ops (origin, \(OpColumns.names), department, log, applied_at) VALUES (?, \(OpColumns.placeholders), ?, ?, ?)")
        var values: [(any DatabaseValueConvertible)?] = [origin.rawValue]
        values += OpColumns.values(op)
        values += [op.department, op.log.map { Int64(clamping: $0) }, Int64(clamping: wallMilliseconds)]
        try statement.execute(arguments: StatementArguments(values))
    }

    /// Writes the applied-dot marks of the nodes this batch touched and trims the op record.
    mutating func finish() throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO ps_applied (node, seq) VALUES (?, ?) ON CONFLICT DO UPDATE SET seq = excluded.seq")
        for node in changedNodes.sorted() { try statement.execute(arguments: [node, Int64(applied[node])]) }
        changedNodes = []
        if appliedCount > 0 {
            try db.cachedStatement(sql: "DELETE FROM ps_recent_ops WHERE position <= (SELECT max(position) FROM ps_recent_ops) - ?")
                .execute(arguments: [OpApplier.recentOpsKept])
        }
    }
}
