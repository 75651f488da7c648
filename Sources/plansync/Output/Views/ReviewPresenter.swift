import PlanningViews
import SyncModel

/// `plansync review`: a project's retrospective digest as text and as JSON.
enum ReviewPresenter {
    /// `{"project":{"id","name","status","start","end"},"retrospectives":[…],"problems":[…],
    /// "improvements":[…],"recent_changes":[…]}` (docs/user-guide.md).
    static func json(_ r: Review) -> JSON {
        .object([
            "project": .object(["id": .string(r.id), "name": .string(r.name), "status": .text(r.status), "start": .text(r.start), "end": .text(r.end)]),
            "retrospectives": .array(r.retrospectives.map { x in
                .object(["id": .string(x.id), "summary": .text(x.summary), "went_well": .text(x.wentWell), "problems": .text(x.problems),
                         "lessons": .text(x.lessons), "improvements": .text(x.improvements)])
            }),
            "problems": .array(r.problems.map { p in
                .object(["id": .string(p.id), "title": .string(p.title), "severity": .text(p.severity), "status": .text(p.status),
                         "analysis": .text(p.analysis), "measures": .text(p.measures)])
            }),
            "improvements": .array(r.improvements.map { i in
                .object(["id": .string(i.id), "title": .string(i.title), "status": .text(i.status), "due": .text(i.due),
                         "owner_department": ReferenceText.json(i.owner)])
            }),
            "recent_changes": .array(r.recentChanges.map { c in
                .object(["collection": .string(c.collection), "row": .string(c.row), "row_name": .text(c.rowName),
                         "node": .string(c.node), "department": .text(c.department),
                         "hlc": .string(c.hlc.description), "time": .string(TimeText.utc(c.hlc)),
                         "edits": .array(c.edits.map { e in
                             .object(["field": .string(e.field), "kind": .string(e.kind), "value": JSON(e.value),
                                      "value_ref": ReferenceText.json(e.reference)])
                         })])
            }),
        ])
    }

    static func text(_ r: Review) -> String {
        var lines = ["Review: \(TextCell.oneLine(r.name))  (\(r.id))",
                     "  \(r.status ?? "status unset"), \(r.start ?? "?") → \(r.end ?? "?")"]
        func part(_ title: String, _ items: [String]) {
            lines.append("")
            lines.append(title)
            lines += (items.isEmpty ? ["none"] : items).map { "  " + $0 }
        }
        part("What went well", r.retrospectives.compactMap(\.wentWell).map(TextCell.oneLine))
        part("Problems and how they were resolved", r.problems.map { p in
            var line = "[\(p.status ?? "?")] \(TextCell.oneLine(p.title))" + (p.severity.map { " (\($0))" } ?? "")
            if let measures = p.measures { line += " — measures: \(TextCell.oneLine(measures))" }
            if let analysis = p.analysis { line += " — analysis: \(TextCell.oneLine(analysis))" }
            return line
        } + r.retrospectives.compactMap(\.problems).map { "retrospective: " + TextCell.oneLine($0) })
        part("Lessons", r.retrospectives.compactMap(\.lessons).map(TextCell.oneLine))
        part("Improvements", r.improvements.map { i in
            "[\(i.status ?? "?")] \(TextCell.oneLine(i.title))" + (i.owner.map { ", \(ReferenceText.display($0))" } ?? "") + (i.due.map { ", due \($0)" } ?? "")
        } + r.retrospectives.compactMap(\.improvements).map { "retrospective: " + TextCell.oneLine($0) })
        lines.append("")
        lines.append("Who changed what recently")
        if r.recentChanges.isEmpty {
            lines.append("  none in this replica's op record")
        } else {
            var t = Table(headers: ["AT", "WHO", "ROW", "CHANGE"])
            t.uncut = []
            t.maxCellWidth = 60
            for c in r.recentChanges {
                t.append([TimeText.utc(c.hlc), c.department.map { "\(c.node) (\($0))" } ?? c.node, "\(c.collection) \(c.rowName ?? c.row)",
                          c.edits.map(edit).joined(separator: ", ")])
            }
            lines += t.render().split(separator: "\n").map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// `status = resolved`, `budget_spent +5000`, `channels + 短视频`, `created`, `deleted`.
    private static func edit(_ e: FieldEdit) -> String {
        let shown = e.reference.map(ReferenceText.display) ?? FieldText.display(e.value, field: e.field)
        switch (e.kind, e.field) {
        case ("set", Op.deletedField): return e.value == .bool(true) ? "deleted" : "created/restored"
        case ("set", _): return "\(e.field) = \(shown)"
        case ("inc", _): return "\(e.field) \(e.value == .integer(0) || (e.value.display.first == "-") ? "" : "+")\(e.value.display)"
        case ("add", _): return "\(e.field) + \(shown)"
        default: return "\(e.field) − \(shown)"
        }
    }
}
