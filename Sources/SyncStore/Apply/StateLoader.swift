import GRDB
import SyncModel

/// Rebuilds SyncModel ``SyncModel/RowState`` values from the metadata tables: one row (for local
/// writes and reads) or the whole replica (for the state hash, which is then computed by the model
/// itself, so the store cannot drift from it).
struct StateLoader {
    let db: Database

    /// One row's state, nil when no op has touched it.
    func row(_ c: String, _ r: String) throws -> RowState? {
        try rows(only: (c, r))[c]?[ExactText(r)]
    }

    /// The whole replica as the model's ``SyncModel/ReplicaState``.
    func replica(schema: Schema) throws -> ReplicaState {
        var applied: [String: UInt64] = [:]
        let marks = try Row.fetchCursor(db, sql: "SELECT node, seq FROM ps_applied")
        while let row = try marks.next() {
            applied[try row.decode(String.self, atIndex: 0)] = UInt64(max(0, try row.decode(Int64.self, atIndex: 1)))
        }
        return ReplicaState(schema: schema, rows: try rows(only: nil), applied: VersionVector(applied))
    }

    /// collection → row id → state, for every row or just `only`.
    func rows(only: (String, String)?) throws -> [String: [ExactText: RowState]] {
        let filter = only == nil ? "" : " WHERE collection = ? AND row_id = ?"
        let arguments: StatementArguments = only.map { [$0.0, $0.1] } ?? []
        var out: [String: [ExactText: RowState]] = [:]
        func edit(_ c: String, _ r: ExactText, _ body: (inout RowState) -> Void) {
            body(&out[c, default: [:]][r, default: RowState()])
        }

        var registers: [String: [ExactText: [String: [Sibling]]]] = [:]
        let regs = try Row.fetchCursor(db.cachedStatement(sql: "SELECT collection, row_id, field, \(FieldStore.siblingColumns) FROM ps_registers" + filter), arguments: arguments)
        while let row = try regs.next() {
            let c = try row.decode(String.self, atIndex: 0), r = ExactText(try row.decode(String.self, atIndex: 1))
            registers[c, default: [:]][r, default: [:]][try row.decode(String.self, atIndex: 2), default: []].append(try FieldStore.sibling(row, from: 3))
        }
        for (c, byRow) in registers {
            for (r, byField) in byRow {
                edit(c, r) { state in
                    for (f, siblings) in byField {
                        let register = MultiValueRegister(siblings: siblings)
                        if f == Op.deletedField { state.deleted = register } else { state.fields[f] = .register(register) }
                    }
                }
            }
        }

        let counters = try Row.fetchCursor(db.cachedStatement(sql: "SELECT collection, row_id, field, value FROM ps_counters" + filter), arguments: arguments)
        while let row = try counters.next() {
            let f = try row.decode(String.self, atIndex: 2), v = try row.decode(Int64.self, atIndex: 3)
            edit(try row.decode(String.self, atIndex: 0), ExactText(try row.decode(String.self, atIndex: 1))) { $0.fields[f] = .counter(PNCounter(value: v)) }
        }

        var tags: [String: [ExactText: [String: [ExactText: Set<Dot>]]]] = [:]
        let sets = try Row.fetchCursor(db.cachedStatement(sql: "SELECT collection, row_id, field FROM ps_set_fields" + filter), arguments: arguments)
        while let row = try sets.next() {
            tags[try row.decode(String.self, atIndex: 0), default: [:]][ExactText(try row.decode(String.self, atIndex: 1)), default: [:]][try row.decode(String.self, atIndex: 2)] = [:]
        }
        let tagRows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT collection, row_id, field, element, node, seq FROM ps_set_tags" + filter), arguments: arguments)
        while let row = try tagRows.next() {
            let (element, dot) = try FieldStore.tag(row, from: 3)
            tags[try row.decode(String.self, atIndex: 0), default: [:]][ExactText(try row.decode(String.self, atIndex: 1)), default: [:]][try row.decode(String.self, atIndex: 2), default: [:]][ExactText(element), default: []].insert(dot)
        }
        for (c, byRow) in tags {
            for (r, byField) in byRow {
                edit(c, r) { state in
                    for (f, elements) in byField { state.fields[f] = .set(ORSet(tags: elements)) }
                }
            }
        }

        var vvs: [String: [ExactText: [String: UInt64]]] = [:]
        let vvRows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT collection, row_id, node, seq FROM ps_row_vv" + filter), arguments: arguments)
        while let row = try vvRows.next() {
            vvs[try row.decode(String.self, atIndex: 0), default: [:]][ExactText(try row.decode(String.self, atIndex: 1)), default: [:]][try row.decode(String.self, atIndex: 2)] = UInt64(max(0, try row.decode(Int64.self, atIndex: 3)))
        }
        for (c, byRow) in vvs {
            for (r, entries) in byRow { edit(c, r) { $0.vv = VersionVector(entries) } }
        }
        return out
    }
}
