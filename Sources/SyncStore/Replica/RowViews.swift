import GRDB
import SyncModel

/// Turns a row's model state into a ``RowView``: every declared field's shown value, the row's open
/// conflicts, and `ref` fields that name a missing or deleted row.
struct RowViews {
    let db: Database
    let layout: TableLayout

    func view(_ table: CollectionLayout, _ id: String, _ state: RowState) throws -> RowView {
        var fields: [String: FieldValue] = [:]
        var dangling: [String] = []
        for f in table.fields {
            switch state.fields[f.name] {
            case .register(let r)?: fields[f.name] = .value(r.value)
            case .counter(let c)?: fields[f.name] = .counter(c.value)
            case .set(let s)?: fields[f.name] = .set(s.elements)
            case nil:
                switch f.family {
                case .register: fields[f.name] = .value(.null)
                case .counter: fields[f.name] = .counter(0)
                case .set: fields[f.name] = .set([])
                }
            }
            if let target = f.refTarget, case .value(.text(let ref))? = fields[f.name], try !isLive(target, ref) {
                dangling.append(f.name)
            }
        }
        let finder = ConflictFinder(db: db, layout: layout)
        let conflicts = try Conflict.of(row: state, id: id, collection: table.name).map(finder.view)
        return RowView(id: id, collection: table.name, deleted: state.isDeleted, fields: fields, conflicts: conflicts,
                       danglingRefs: dangling.sorted())
    }

    /// Whether `collection` has a live row `id`.
    private func isLive(_ collection: String, _ id: String) throws -> Bool {
        try layout.isDeleted(db, collection, id) == false
    }
}
