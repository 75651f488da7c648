import PlanningViews

/// `plansync agenda`: the meeting's agenda in five numbered parts, and as JSON.
enum AgendaPresenter {
    /// `{"today","meeting","open_problems","overdue_action_items":[{"owner_department","items"}],
    /// "open_needs","conflicts","previous_meeting","previous_action_items"}` (docs/user-guide.md).
    static func json(_ a: Agenda, today: CalendarDay) -> JSON {
        .object([
            "today": .string(today.text),
            "meeting": json(a.meeting),
            "open_problems": .array(a.openProblems.map(JSON.problem)),
            "overdue_action_items": .array(a.overdueActionItems.map { group in
                .object(["owner_department": ReferenceText.json(group.department), "items": .array(group.items.map(json))])
            }),
            "open_needs": .array(a.openNeeds.map { n in
                .object(["id": .string(n.id), "title": .string(n.title), "priority": .text(n.priority), "status": .text(n.status),
                         "from_department": ReferenceText.json(n.from)])
            }),
            "conflicts": .array(a.conflicts.map(JSON.conflict)),
            "previous_meeting": a.previousMeeting.map(json) ?? .null,
            "previous_action_items": .array(a.previousActionItems.map(json)),
        ])
    }

    /// `{"id","title","kind","scheduled_at","organizer","project","attendees"}`.
    static func json(_ m: MeetingItem) -> JSON {
        .object(["id": .string(m.id), "title": .string(m.title), "kind": .text(m.kind), "scheduled_at": .text(m.scheduledAt),
                 "organizer": ReferenceText.json(m.organizer), "project": ReferenceText.json(m.project),
                 "attendees": .array(m.attendees.map(JSON.string))])
    }

    /// `{"id","title","status","due","days_overdue","owner_department","meeting"}`.
    static func json(_ i: ActionItem) -> JSON {
        .object(["id": .string(i.id), "title": .string(i.title), "status": .text(i.status), "due": .text(i.due),
                 "days_overdue": .number(i.daysOverdue), "owner_department": ReferenceText.json(i.owner),
                 "meeting": ReferenceText.json(i.meeting)])
    }

    static func text(_ a: Agenda) -> String {
        let m = a.meeting
        var head = "Agenda: \(TextCell.oneLine(m.title))"
        if let at = m.scheduledAt { head += "  \(at)" }
        var lines = [head]
        var facts = KeyValueList()
        if let kind = m.kind { facts.append("kind", kind) }
        if let organizer = m.organizer { facts.append("organizer", ReferenceText.display(organizer)) }
        if let project = m.project { facts.append("project", ReferenceText.display(project)) }
        if !m.attendees.isEmpty { facts.append("attendees", m.attendees.joined(separator: ", ")) }
        if !facts.pairs.isEmpty { lines.append(facts.render(indent: 2)) }

        section(&lines, 1, "Open problems, most severe first", a.openProblems.isEmpty ? nil : {
            var t = Table(headers: ["SEVERITY", "PROBLEM", "PROJECT", "STATUS", "RAISED BY", "DUE"])
            t.uncut = []
            for p in a.openProblems {
                t.append([p.severity ?? "", p.title, ReferenceText.display(p.project), p.status ?? "", ReferenceText.display(p.identifiedBy), p.due ?? ""])
            }
            return t.render()
        }())
        section(&lines, 2, "Overdue action items by owner department", a.overdueActionItems.isEmpty ? nil : {
            var t = Table(headers: ["OWNER", "ACTION ITEM", "DUE", "OVERDUE", "FROM MEETING"])
            t.uncut = []
            for group in a.overdueActionItems {
                for (n, item) in group.items.enumerated() {
                    t.append([n == 0 ? group.department.map(ReferenceText.display) ?? "(no owner)" : "", item.title, item.due ?? "",
                              "\(item.daysOverdue ?? 0) d", ReferenceText.display(item.meeting)])
                }
            }
            return t.render()
        }())
        section(&lines, 3, "Open needs between departments", a.openNeeds.isEmpty ? nil : {
            var t = Table(headers: ["PRIORITY", "NEED", "FROM", "STATUS"])
            t.uncut = []
            for n in a.openNeeds { t.append([n.priority ?? "", n.title, ReferenceText.display(n.from), n.status ?? ""]) }
            return t.render()
        }())
        section(&lines, 4, "Conflicts waiting for a decision", a.conflicts.isEmpty ? nil : ConflictText.table(a.conflicts))
        let previousTitle = a.previousMeeting.map { "Action items of the previous meeting, \(TextCell.oneLine($0.title)) \($0.scheduledAt ?? "")" }
            ?? "Action items of the previous meeting"
        section(&lines, 5, previousTitle, a.previousMeeting == nil ? "(no earlier meeting of this kind)" : a.previousActionItems.isEmpty ? nil : {
            var t = Table(headers: ["STATUS", "ACTION ITEM", "OWNER", "DUE"])
            t.uncut = []
            for i in a.previousActionItems { t.append([i.status ?? "", i.title, ReferenceText.display(i.owner), i.due ?? ""]) }
            return t.render()
        }())
        return lines.joined(separator: "\n")
    }

    /// A numbered part: its title, then `body` indented, or `none` when there is nothing.
    private static func section(_ lines: inout [String], _ n: Int, _ title: String, _ body: String?) {
        lines.append("")
        lines.append("\(n). \(title)")
        lines += (body ?? "none").split(separator: "\n").map { "   " + $0 }
    }
}
