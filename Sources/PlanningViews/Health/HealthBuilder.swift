import SyncModel
import SyncStore

extension ProjectHealth {
    /// The health of every live project, worst signal first, then by name (bytes).
    public static func all(in snapshot: PlanningSnapshot, today: CalendarDay) -> [ProjectHealth] {
        snapshot.live("projects").map { of($0, in: snapshot, today: today) }.sorted { a, b in
            a.overall != b.overall ? a.overall > b.overall
                : ExactText.equal(a.name, b.name) ? ExactText.less(a.id, b.id) : ExactText.less(a.name, b.name)
        }
    }

    /// The health of `project` on `today`.
    public static func of(_ project: RowView, in snapshot: PlanningSnapshot, today: CalendarDay) -> ProjectHealth {
        let timeline = Timeline.of(project, in: snapshot, today: today)
        let budget = Budget(planned: project.integer("budget_planned"), spent: project.counter("budget_spent"))
        let problems = ProblemItem.open(in: snapshot, project: project.id)
        let risks = snapshot.live("risks", where: "project", is: project.id).filter { !$0.has("status", "closed") }.map {
            RiskItem(id: $0.id, description: $0.text("description") ?? "", likelihood: $0.text("likelihood"),
                     impact: $0.text("impact"), mitigation: $0.text("mitigation"))
        }.sorted { $0.score != $1.score ? $0.score > $1.score : ExactText.less($0.id, $1.id) }
        let report = snapshot.live("reports", where: "project", is: project.id).max { a, b in
            let pa = a.text("period") ?? "", pb = b.text("period") ?? ""
            return ExactText.equal(pa, pb) ? ExactText.less(a.id, b.id) : ExactText.less(pa, pb)
        }.map {
            ReportItem(id: $0.id, period: $0.text("period"), percentComplete: $0.integer("percent_complete").map { Int($0) },
                       author: snapshot.reference($0, "author_department"))
        }
        let conflicts = snapshot.conflicts(ofProject: project.id)
        let reasons = HealthRule.reasons(status: project.text("status"), timeline: timeline, budget: budget, problems: problems,
                                         risks: risks, latestReport: report, conflicts: conflicts.count)
        return ProjectHealth(id: project.id, name: project.text("name") ?? "", status: project.text("status"),
                             ownerDepartment: snapshot.reference(project, "owner_department"), overall: HealthRule.overall(reasons),
                             reasons: reasons, timeline: timeline, budget: budget, problems: problems, risks: risks,
                             latestReport: report, conflicts: ConflictItem.of(conflicts, in: snapshot))
    }
}

extension Timeline {
    static func of(_ project: RowView, in snapshot: PlanningSnapshot, today: CalendarDay) -> Timeline {
        let start = project.day("start"), end = project.day("end")
        var total: Int?, elapsed: Int?
        if let start, let end {
            total = end.days - start.days
            elapsed = min(max(today.days - start.days, 0), max(end.days - start.days, 0))
        }
        let tasks = snapshot.live("tasks", where: "project", is: project.id)
        return Timeline(start: start, end: end, today: today, daysTotal: total, daysElapsed: elapsed,
                        daysLeft: end.map { $0.days - today.days }, overdueTasks: DepartmentTasks.overdue(tasks, in: snapshot, today: today))
    }
}

extension DepartmentTasks {
    /// Tasks not done whose due day is before `today`, grouped by department (by name, then id;
    /// tasks without a department last), most overdue first within a group.
    static func overdue(_ tasks: [RowView], in snapshot: PlanningSnapshot, today: CalendarDay) -> [DepartmentTasks] {
        var groups: [ExactText: (Reference?, [TaskItem])] = [:]
        for task in tasks where !task.has("status", "done") {
            guard let due = task.day("due"), due < today else { continue }
            let department = snapshot.reference(task, "department")
            let item = TaskItem(id: task.id, title: task.text("title") ?? "", status: task.text("status"), due: due, daysOverdue: today.days - due.days)
            groups[ExactText(department?.id ?? ""), default: (department, [])].1.append(item)
        }
        return groups.sorted { ReferenceOrder.precedes($0.value.0, $1.value.0) }.map { _, group in
            DepartmentTasks(department: group.0, tasks: group.1.sorted {
                $0.daysOverdue != $1.daysOverdue ? $0.daysOverdue > $1.daysOverdue : ExactText.less($0.id, $1.id)
            })
        }
    }
}

extension ProblemItem {
    /// Open and mitigating problems (of one project, or all with `project` nil), most severe
    /// first, then by title and id.
    static func open(in snapshot: PlanningSnapshot, project: String?) -> [ProblemItem] {
        let rows = project.map { snapshot.live("problems", where: "project", is: $0) } ?? snapshot.live("problems")
        return rows.filter { !$0.has("status", "resolved") }.sorted { a, b in
            let sa = Rank.of(a.text("severity")), sb = Rank.of(b.text("severity"))
            if sa != sb { return sa > sb }
            let ta = a.text("title") ?? "", tb = b.text("title") ?? ""
            return ExactText.equal(ta, tb) ? ExactText.less(a.id, b.id) : ExactText.less(ta, tb)
        }.map {
            ProblemItem(id: $0.id, title: $0.text("title") ?? "", severity: $0.text("severity"), status: $0.text("status"),
                        due: $0.text("due"), project: snapshot.reference($0, "project"), identifiedBy: snapshot.reference($0, "identified_by"))
        }
    }
}
