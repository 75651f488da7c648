import GRDB
import SyncModel

/// Open conflicts, computed by the model (``SyncModel/Conflict/of(row:id:collection:)``) on the
/// rows an SQL pre-filter names: registers with two or more siblings, and deleted rows (the only
/// ones that can hold an `edit_on_deleted`).
struct ConflictFinder {
    let db: Database
    let layout: TableLayout

    /// Every open conflict, by collection, row id, then field (byte order), as the model lists them.
    func all() throws -> [Conflict] {
        var candidates = Set<RowKey>()
        let multi = try Row.fetchCursor(db.cachedStatement(sql: "SELECT collection, row_id FROM ps_registers GROUP BY collection, row_id, field HAVING count(*) > 1"))
        while let row = try multi.next() {
            candidates.insert(RowKey(collection: try row.decode(String.self, atIndex: 0), row: try row.decode(String.self, atIndex: 1)))
        }
        for table in layout.ordered {
            let deleted = try Row.fetchCursor(db.cachedStatement(sql: "SELECT id FROM \(table.table) WHERE \(TableLayout.deletedColumn) = 1"))
            while let row = try deleted.next() { candidates.insert(RowKey(collection: table.name, row: try row.decode(String.self, atIndex: 0))) }
        }
        let loader = StateLoader(db: db)
        var out: [Conflict] = []
        for key in candidates.sorted() {
            guard let state = try loader.row(key.collection, key.row) else { continue }
            out += Conflict.of(row: state, id: key.row, collection: key.collection)
        }
        return out
    }

    /// The open conflict whose id is `idOrPrefix` or starts with it.
    func find(_ idOrPrefix: String) throws -> Conflict {
        let id = idOrPrefix.lowercased()
        guard !id.isEmpty else { throw StoreError.noSuchConflict(idOrPrefix) }
        let open = try all()
        if let exact = open.first(where: { $0.id == id }) { return exact }
        let matches = open.filter { $0.id.hasPrefix(id) }
        guard let first = matches.first else { throw StoreError.noSuchConflict(idOrPrefix) }
        guard matches.count == 1 else { throw StoreError.ambiguousConflict(idOrPrefix) }
        return first
    }

    /// The conflict as shown to a person.
    func view(_ conflict: Conflict) throws -> ConflictView {
        var values: [ConflictValue] = []
        switch conflict.kind {
        case .register:
            for (i, s) in conflict.values.enumerated() {
                values.append(ConflictValue(n: i + 1, value: s.value, node: s.dot.node, department: s.department, hlc: s.hlc, dot: s.dot))
            }
        case .editOnDeleted:
            if let delete = conflict.values.first {
                values.append(ConflictValue(n: 1, value: .bool(true), node: delete.dot.node, department: delete.department, hlc: delete.hlc, dot: delete.dot))
            }
            let edit = try EditWriters(db: db).latest(of: conflict.edits, collection: conflict.collection, row: conflict.row)
            values.append(ConflictValue(n: 2, value: .bool(false), node: edit.dot.node, department: edit.department, hlc: edit.hlc, dot: edit.dot))
        }
        return ConflictView(id: conflict.id, kind: conflict.kind, collection: conflict.collection, row: conflict.row,
                            field: conflict.field, values: values, edits: conflict.edits,
                            rowDeleted: try layout.isDeleted(db, conflict.collection, conflict.row) ?? false)
    }
}
