import SyncModel

/// Ops as people read them in `log`, and in their wire shape as JSON.
enum OpText {
    /// `set projects 7f3c….end = 2027-04-20`, `inc … budget_spent +5000000`, `add … channels 短视频`.
    static func describe(_ op: Op) -> String {
        let target = "\(op.collection) \(op.row) \(op.field)"
        switch op.kind {
        case .set: return "set \(target) = \(FieldText.display(op.value ?? .null, field: op.field))"
        case .inc: return "inc \(target) \((op.delta ?? 0) >= 0 ? "+" : "")\(op.delta ?? 0)"
        case .add: return "add \(target) \(op.element ?? "")"
        case .remove: return "remove \(target) \(op.element ?? "")"
        }
    }

    /// The op as on the wire (DESIGN.md "Wire contract"): only the members its kind carries.
    static func json(_ op: Op) -> JSON {
        var members: [String: JSON] = [
            "collection": .string(op.collection), "row": .string(op.row), "field": .string(op.field),
            "kind": .string(op.kind.rawValue), "node": .string(op.node),
            "seq": .integer(Int64(clamping: op.seq)), "hlc": .string(op.hlc.description),
        ]
        switch op.kind {
        case .set:
            members["value"] = JSON(op.value ?? .null)
            members["replaces"] = .array(op.replaces.map { .string($0.description) })
            if let context = op.context {
                members["context"] = .object(context.entries.mapValues { .integer(Int64(clamping: $0)) })
            }
        case .inc:
            members["delta"] = .integer(op.delta ?? 0)
        case .add:
            members["element"] = .string(op.element ?? "")
        case .remove:
            members["element"] = .string(op.element ?? "")
            members["removes"] = .array(op.removes.map { .string($0.description) })
        }
        if let department = op.department { members["department"] = .string(department) }
        if let log = op.log { members["log"] = .integer(Int64(clamping: log)) }
        return .object(members)
    }
}
