import SyncModel
import SyncStore

/// Open conflicts as JSON (`conflicts list|show --json`, `get --json`) and as text for people:
/// values numbered from 1 with who wrote each (node, department) and when (UTC).
enum ConflictPresenter {
    /// `{"id","kind","collection","row","field","values":[{"n","value","node","department","hlc","dot","time"}],"edits":[…]}`.
    static func json(_ conflict: ConflictView) -> JSON {
        .object([
            "id": .string(conflict.id),
            "kind": .string(conflict.kind.rawValue),
            "collection": .string(conflict.collection),
            "row": .string(conflict.row),
            "field": .string(conflict.field),
            "values": .array(conflict.values.map(json)),
            "edits": .array(conflict.edits.map { .string($0.description) }),
        ])
    }

    /// One value of a conflict (also used for discarded values in the history).
    static func json(_ value: ConflictValue) -> JSON {
        .object([
            "n": .integer(Int64(value.n)),
            "value": JSON(value.value),
            "node": .string(value.node),
            "department": value.department.map(JSON.string) ?? .null,
            "hlc": .string(value.hlc.description),
            "time": .string(TimeText.utc(value.hlc)),
            "dot": .string(value.dot.description),
        ])
    }

    /// What the conflict is about, in words.
    static func summary(_ conflict: ConflictView) -> String {
        switch conflict.kind {
        case .register where conflict.field == Op.deletedField:
            return "deleted and restored at the same time"
        case .register:
            return "\(conflict.values.count) values written without seeing each other"
        case .editOnDeleted:
            return "edited by someone who had not seen it deleted"
        }
    }

    /// `node (department)`, or the node alone when the department is unknown.
    static func author(_ value: ConflictValue) -> String {
        value.department.map { "\(value.node) (\($0))" } ?? value.node
    }

    /// The full text of `conflicts show`.
    static func text(_ conflict: ConflictView) -> String {
        var lines = ["conflict \(conflict.id): \(conflict.collection) \(conflict.row) \(conflict.field)",
                     "  " + summary(conflict)]
        var table = Table(headers: ["N", "VALUE", "WRITTEN BY", "AT", ""])
        table.maxCellWidth = 60
        for value in conflict.values {
            let note: String
            switch conflict.kind {
            case .editOnDeleted: note = value.n == 1 ? "pick to keep it deleted" : "pick to restore it"
            case .register: note = value.n == 1 ? "shown now" : ""
            }
            table.append([String(value.n), FieldText.display(value.value, field: conflict.field), author(value), TimeText.utc(value.hlc), note])
        }
        lines += table.render().split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        if !conflict.edits.isEmpty {
            lines.append("  unseen edits: " + conflict.edits.map(\.description).joined(separator: ", "))
        }
        let settle = "settle it: plansync conflicts resolve \(conflict.id) --pick N   (or --value V)"
        if conflict.kind == .register, conflict.field != Op.deletedField, conflict.rowDeleted {
            lines.append("the row is deleted: restore it first (plansync restore \(conflict.collection) \(conflict.row)), then " + settle)
        } else {
            lines.append(settle)
        }
        return lines.joined(separator: "\n")
    }

    /// The table of `conflicts list`.
    static func table(_ conflicts: [ConflictView]) -> String {
        var table = Table(headers: ["ID", "KIND", "COLLECTION", "ROW", "FIELD", "VALUES"])
        table.uncut = [0, 3]
        table.maxCellWidth = 70
        for c in conflicts {
            let values = c.values.map { "\($0.n)) \(FieldText.display($0.value, field: c.field)) (\($0.department ?? $0.node))" }
            table.append([c.id, c.kind.rawValue, c.collection, c.row, c.field, values.joined(separator: "  ")])
        }
        return table.render()
    }
}
