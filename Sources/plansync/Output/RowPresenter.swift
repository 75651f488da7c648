import PlanningViews
import SyncModel
import SyncStore

/// Rows as JSON (`get --json`, `list --json`) and as text for people. `ref` fields read as the
/// referenced row's name (see ``ReferenceText``); `refs` maps field names to resolved references.
enum RowPresenter {
    /// `{"id","collection","deleted","fields":{…},"refs":{FIELD:{"id","collection","name","state"}},"conflicts":[…],"dangling_refs":[…]}`;
    /// `fields` keeps the ids, `refs` adds the names beside them.
    static func json(_ row: RowView) -> JSON { json(row, refs: [:]) }

    static func json(_ row: RowView, refs: [String: Reference]) -> JSON {
        .object([
            "refs": .object(refs.mapValues(ReferenceText.json)),
            "id": .string(row.id),
            "collection": .string(row.collection),
            "deleted": .bool(row.deleted),
            "fields": .object(row.fields.mapValues(FieldText.json)),
            "conflicts": .array(row.conflicts.map(ConflictPresenter.json)),
            "dangling_refs": .array(row.danglingRefs.map(JSON.string)),
        ])
    }

    /// The text of `get`: one line per declared field in schema order, conflicts and dangling
    /// references as notices below.
    static func text(_ row: RowView, schema: CollectionSchema, refs: [String: Reference] = [:]) -> String {
        var lines = ["\(row.collection) \(row.id)" + (row.deleted ? "  (deleted)" : "")]
        var list = KeyValueList()
        let inConflict = Dictionary(row.conflicts.map { ($0.field, $0.id) }, uniquingKeysWith: { first, _ in first })
        for field in schema.fields {
            var shown = refs[field.name].map(ReferenceText.withID) ?? row.fields[field.name].map(FieldText.display) ?? ""
            if let id = inConflict[field.name] { shown += "   * in conflict \(id)" }
            list.append(field.name, shown)
        }
        lines.append(list.render(indent: 2))
        for conflict in row.conflicts {
            lines.append("conflict \(conflict.id) on \(conflict.field): \(ConflictPresenter.summary(conflict)); see plansync conflicts show \(conflict.id)")
        }
        for name in row.danglingRefs {
            let target: String
            if case .ref(let t)? = schema.field(name)?.kind { target = t } else { target = "its collection" }
            let value = row.fields[name].map(FieldText.display) ?? ""
            lines.append("notice: \(name) refers to \(target) \(TextCell.oneLine(value)), which is missing or deleted (dangling reference)")
        }
        return lines.joined(separator: "\n")
    }

    /// The table of `list`: the id, then every field that has a value in some row; cells in
    /// conflict end in `*`, and so does the id when the row's deletion is in conflict.
    static func table(_ rows: [RowView], schema: CollectionSchema, showDeleted: Bool, refs: [[String: Reference]] = []) -> String {
        let used = schema.fields.filter { field in
            rows.contains { row in !(row.fields[field.name].map(FieldText.display) ?? "").isEmpty }
        }
        var table = Table(headers: ["ID"] + (showDeleted ? ["DELETED"] : []) + used.map(\.name))
        table.maxCellWidth = 30
        for (i, row) in rows.enumerated() {
            let names = i < refs.count ? refs[i] : [:]
            let conflicted = Set(row.conflicts.map(\.field))
            var cells = [row.id + (conflicted.contains(Op.deletedField) ? " *" : "")]
            if showDeleted { cells.append(row.deleted ? "yes" : "") }
            for field in used {
                let shown = names[field.name].map(ReferenceText.display) ?? row.fields[field.name].map(FieldText.display) ?? ""
                cells.append(conflicted.contains(field.name) ? TextCell.truncated(TextCell.oneLine(shown), to: 28) + " *" : shown)
            }
            table.append(cells)
        }
        var text = table.render()
        if rows.contains(where: { !$0.conflicts.isEmpty }) {
            text += "\n* in conflict: see plansync conflicts"
        }
        return text
    }
}
