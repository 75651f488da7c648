import SyncModel
import SyncStore

extension Agenda {
    /// The agenda of the live meeting `meeting` on `today`.
    public static func of(_ meeting: RowView, in snapshot: PlanningSnapshot, today: CalendarDay) -> Agenda {
        let project = meeting.has("kind", "project") ? meeting.text("project") : nil
        let conflicts = project.map { snapshot.conflicts(ofProject: $0) } ?? snapshot.conflicts
        let previous = Self.previous(meeting, in: snapshot)
        let previousItems = previous.map { p in
            snapshot.live("action_items", where: "meeting", is: p.id).map { ActionItem.of($0, in: snapshot, today: today) }.sorted { a, b in
                let oa = a.status != "done", ob = b.status != "done"
                if oa != ob { return oa }
                let da = a.due ?? "~", db = b.due ?? "~"
                return ExactText.equal(da, db) ? ExactText.less(a.id, b.id) : ExactText.less(da, db)
            }
        } ?? []
        return Agenda(meeting: MeetingItem.of(meeting, in: snapshot), openProblems: ProblemItem.open(in: snapshot, project: project),
                      overdueActionItems: DepartmentActions.overdue(in: snapshot, today: today), openNeeds: NeedItem.open(in: snapshot),
                      conflicts: ConflictItem.of(conflicts, in: snapshot), previousMeeting: previous.map { MeetingItem.of($0, in: snapshot) },
                      previousActionItems: previousItems)
    }

    /// The first live cross-department meeting scheduled at or after the start of `today` (UTC),
    /// nil when none is.
    public static func nextMeeting(in snapshot: PlanningSnapshot, today: CalendarDay) -> RowView? {
        snapshot.live("meetings").filter { $0.has("kind", "cross_department") }
            .compactMap { m in m.text("scheduled_at").flatMap(Instant.seconds).map { (m, $0) } }
            .filter { $0.1 >= today.days * 86_400 }
            .min { $0.1 != $1.1 ? $0.1 < $1.1 : ExactText.less($0.0.id, $1.0.id) }?.0
    }

    /// The latest live meeting of the same kind scheduled before `meeting`.
    static func previous(_ meeting: RowView, in snapshot: PlanningSnapshot) -> RowView? {
        guard let at = meeting.text("scheduled_at").flatMap(Instant.seconds) else { return nil }
        let kind = meeting.text("kind")
        return snapshot.live("meetings").filter { $0.text("kind") == kind && !ExactText.equal($0.id, meeting.id) }
            .compactMap { m in m.text("scheduled_at").flatMap(Instant.seconds).map { (m, $0) } }
            .filter { $0.1 < at }
            .max { $0.1 != $1.1 ? $0.1 < $1.1 : ExactText.less($0.0.id, $1.0.id) }?.0
    }
}

extension MeetingItem {
    static func of(_ row: RowView, in snapshot: PlanningSnapshot) -> MeetingItem {
        MeetingItem(id: row.id, title: row.text("title") ?? "", kind: row.text("kind"), scheduledAt: row.text("scheduled_at"),
                    organizer: snapshot.reference(row, "organizer"), project: snapshot.reference(row, "project"), attendees: row.elements("attendees"))
    }
}

extension ActionItem {
    static func of(_ row: RowView, in snapshot: PlanningSnapshot, today: CalendarDay) -> ActionItem {
        let due = row.day("due")
        let overdue = due.flatMap { !row.has("status", "done") && $0 < today ? today.days - $0.days : nil }
        return ActionItem(id: row.id, title: row.text("title") ?? "", status: row.text("status"), due: row.text("due"), daysOverdue: overdue,
                          owner: snapshot.reference(row, "owner_department"), meeting: snapshot.reference(row, "meeting"))
    }
}

extension DepartmentActions {
    /// Every overdue action item, grouped by owner department (by name; no owner last), most
    /// overdue first.
    static func overdue(in snapshot: PlanningSnapshot, today: CalendarDay) -> [DepartmentActions] {
        var groups: [ExactText: (Reference?, [ActionItem])] = [:]
        for row in snapshot.live("action_items") {
            let item = ActionItem.of(row, in: snapshot, today: today)
            guard item.daysOverdue != nil else { continue }
            groups[ExactText(item.owner?.id ?? ""), default: (item.owner, [])].1.append(item)
        }
        return groups.sorted { ReferenceOrder.precedes($0.value.0, $1.value.0) }.map { _, group in
            DepartmentActions(department: group.0, items: group.1.sorted {
                $0.daysOverdue! != $1.daysOverdue! ? $0.daysOverdue! > $1.daysOverdue! : ExactText.less($0.id, $1.id)
            })
        }
    }
}

extension NeedItem {
    /// Needs not done, highest priority first, then by title and id.
    static func open(in snapshot: PlanningSnapshot) -> [NeedItem] {
        snapshot.live("needs").filter { !$0.has("status", "done") }.sorted { a, b in
            let pa = Rank.of(a.text("priority")), pb = Rank.of(b.text("priority"))
            if pa != pb { return pa > pb }
            let ta = a.text("title") ?? "", tb = b.text("title") ?? ""
            return ExactText.equal(ta, tb) ? ExactText.less(a.id, b.id) : ExactText.less(ta, tb)
        }.map { NeedItem(id: $0.id, title: $0.text("title") ?? "", priority: $0.text("priority"), status: $0.text("status"),
                         from: snapshot.reference($0, "from_department")) }
    }
}
