import PlanningViews

/// JSON pieces shared by the views' `--json` shapes (docs/user-guide.md, "JSON shapes of the views").
extension JSON {
    /// A string, or `null` when nil.
    static func text(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }

    /// An integer, or `null` when nil.
    static func number(_ n: Int?) -> JSON { n.map { .integer(Int64($0)) } ?? .null }

    /// `{"id","title","severity","status","due","project","identified_by"}` (refs as ``ReferenceText/json(_:)``).
    static func problem(_ p: ProblemItem) -> JSON {
        .object(["id": .string(p.id), "title": .string(p.title), "severity": .text(p.severity), "status": .text(p.status),
                 "due": .text(p.due), "project": ReferenceText.json(p.project), "identified_by": ReferenceText.json(p.identifiedBy)])
    }

    /// A conflict as `conflicts list --json` prints it, plus `row_name` (the row's name or title,
    /// or null) and `settle` (the command that settles it, value 1 picked as an example).
    static func conflict(_ item: ConflictItem) -> JSON {
        guard case .object(var members) = ConflictPresenter.json(item.conflict) else { return .null }
        members["row_name"] = .text(item.rowName)
        members["settle"] = .string(ConflictText.settle(item))
        return .object(members)
    }
}

/// Conflicts in the views' text.
enum ConflictText {
    /// `plansync conflicts resolve ID --pick N`.
    static func settle(_ item: ConflictItem) -> String {
        "plansync conflicts resolve \(item.conflict.id) --pick N"
    }

    /// A table of conflicts with the row's name, the values and the command that settles each.
    static func table(_ items: [ConflictItem]) -> String {
        var table = Table(headers: ["ID", "ROW", "FIELD", "VALUES", "SETTLE WITH"])
        table.uncut = [0, 4]
        table.maxCellWidth = 40
        for item in items {
            let c = item.conflict
            let values = c.values.map { "\($0.n)) \(FieldText.display($0.value, field: c.field)) (\($0.department ?? $0.node))" }
            table.append([c.id, "\(c.collection) \(item.rowName ?? c.row)", c.field, values.joined(separator: "  "), settle(item)])
        }
        return table.render()
    }
}
