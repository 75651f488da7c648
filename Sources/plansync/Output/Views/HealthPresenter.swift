import PlanningViews

/// `plansync health`: a table of projects with their signal, and the details behind each signal.
enum HealthPresenter {
    /// `{"today": "YYYY-MM-DD", "projects": [project…]}`; see docs/user-guide.md for a project's members
    /// (`overall`, `reasons`, `timeline`, `budget`, `problems`, `risks`, `latest_report`, `conflicts`).
    static func json(_ projects: [ProjectHealth], today: CalendarDay) -> JSON {
        .object(["today": .string(today.text), "projects": .array(projects.map(json))])
    }

    static func json(_ h: ProjectHealth) -> JSON {
        let t = h.timeline
        var severities: [String: JSON] = [:]
        for level in ["high", "medium", "low"] { severities[level] = .number(h.problems.filter { $0.severity == level }.count) }
        severities["unset"] = .number(h.problems.filter { $0.severity == nil }.count)
        return .object([
            "id": .string(h.id), "name": .string(h.name), "status": .text(h.status),
            "owner_department": ReferenceText.json(h.ownerDepartment),
            "overall": .string(h.overall.rawValue),
            "reasons": .array(h.reasons.map { .object(["signal": .string($0.signal.rawValue), "code": .string($0.code), "text": .string($0.text)]) }),
            "timeline": .object([
                "start": .text(t.start?.text), "end": .text(t.end?.text), "days_total": .number(t.daysTotal),
                "days_elapsed": .number(t.daysElapsed), "days_left": .number(t.daysLeft), "percent_elapsed": .number(t.percentElapsed),
                "overdue_tasks": .array(t.overdueTasks.map { group in
                    .object(["department": ReferenceText.json(group.department), "tasks": .array(group.tasks.map { task in
                        .object(["id": .string(task.id), "title": .string(task.title), "status": .text(task.status),
                                 "due": .string(task.due.text), "days_overdue": .number(task.daysOverdue)])
                    })])
                }),
            ]),
            "budget": .object(["planned": h.budget.planned.map(JSON.integer) ?? .null, "spent": .integer(h.budget.spent),
                               "percent_spent": .number(h.budget.percentSpent), "over": .bool(h.budget.isOver)]),
            "problems": .object(["open": .number(h.problems.count), "by_severity": .object(severities), "items": .array(h.problems.map(JSON.problem))]),
            "risks": .object(["open": .number(h.risks.count), "items": .array(h.risks.map { r in
                .object(["id": .string(r.id), "description": .string(r.description), "likelihood": .text(r.likelihood),
                         "impact": .text(r.impact), "score": .number(r.score), "mitigation": .text(r.mitigation)])
            })]),
            "latest_report": h.latestReport.map { r in
                .object(["id": .string(r.id), "period": .text(r.period), "percent_complete": .number(r.percentComplete),
                         "author_department": ReferenceText.json(r.author)])
            } ?? .null,
            "conflicts": .array(h.conflicts.map(JSON.conflict)),
        ])
    }

    /// The signal as a word with a mark that survives a terminal without colour.
    static func signal(_ s: HealthSignal) -> String {
        switch s {
        case .green: return "● green"
        case .amber: return "▲ amber"
        case .red: return "■ red"
        }
    }

    /// `12/45 days (26%)`, `starts in 3 days`, `ended 5 days ago`.
    static func timeline(_ t: Timeline) -> String {
        guard let start = t.start, let end = t.end else {
            return t.end.map { "ends \($0.text)" } ?? t.start.map { "starts \($0.text)" } ?? "no dates"
        }
        if t.today < start { return "starts \(start.text)" }
        if end < t.today { return "ended \(end.text)" }
        return "\(t.daysElapsed ?? 0)/\(t.daysTotal ?? 0) days (\(t.percentElapsed ?? 0)%)"
    }

    /// `6,200.00 / 80,000.00 (7%)`.
    static func budget(_ b: Budget) -> String {
        let planned = b.planned.map(MoneyText.amount) ?? "unplanned"
        return "\(MoneyText.amount(b.spent)) / \(planned)" + (b.percentSpent.map { " (\($0)%)" } ?? "")
    }

    /// The summary table, then each project that is not green (or every project with `detailed`).
    static func text(_ projects: [ProjectHealth], detailed: Bool) -> String {
        guard !projects.isEmpty else { return "no projects yet: plansync put projects name=…" }
        var table = Table(headers: ["SIGNAL", "PROJECT", "STATUS", "TIMELINE", "SPENT / PLANNED", "PROBLEMS", "RISKS", "REPORT", "CONFLICTS"])
        table.uncut = []
        for h in projects {
            table.append([signal(h.overall), h.name, h.status ?? "", timeline(h.timeline), budget(h.budget),
                          h.problems.isEmpty ? "0" : "\(h.problems.count) open", h.risks.isEmpty ? "0" : "\(h.risks.count) open",
                          h.latestReport?.percentComplete.map { "\($0)%" } ?? "", String(h.conflicts.count)])
        }
        var lines = [table.render()]
        for h in projects where detailed || h.overall != .green { lines += [""] + details(h) }
        lines.append("")
        lines.append("rule: red = over budget, past its end, or a high×high risk; amber = ≥\(HealthRule.nearlySpentPercent)% spent, overdue tasks, a high-severity problem, a risk scoring 6, a report >\(HealthRule.behindSchedulePoints) points behind, or open conflicts")
        return lines.joined(separator: "\n")
    }

    private static func details(_ h: ProjectHealth) -> [String] {
        var lines = ["\(signal(h.overall))  \(TextCell.oneLine(h.name))  (\(h.id))"]
        var facts = KeyValueList()
        facts.append("owner", ReferenceText.display(h.ownerDepartment))
        facts.append("timeline", "\(h.timeline.start?.text ?? "?") → \(h.timeline.end?.text ?? "?"), today \(h.timeline.today.text)"
                     + (h.timeline.daysLeft.map { $0 >= 0 ? ", \($0) days left" : ", \(-$0) days past the end" } ?? ""))
        facts.append("budget", budget(h.budget) + (h.budget.isOver ? "  over budget" : ""))
        if let r = h.latestReport {
            facts.append("latest report", "\(r.period ?? "(no period)"): \(r.percentComplete.map { "\($0)%" } ?? "?") complete, by \(ReferenceText.display(r.author))")
        }
        lines.append(facts.render(indent: 2))
        for reason in h.reasons { lines.append("  \(reason.signal.rawValue): \(reason.text)") }
        if !h.timeline.overdueTasks.isEmpty {
            lines.append("  overdue tasks by department:")
            for group in h.timeline.overdueTasks {
                let tasks = group.tasks.map { "\(TextCell.oneLine($0.title)) (due \($0.due.text), \($0.daysOverdue) d)" }
                lines.append("    \(group.department.map(ReferenceText.display) ?? "(no department)"): " + tasks.joined(separator: "; "))
            }
        }
        if !h.problems.isEmpty {
            lines.append("  open problems: " + h.problems.map { "[\($0.severity ?? "?")] \(TextCell.oneLine($0.title))" }.joined(separator: "; "))
        }
        if !h.risks.isEmpty {
            lines.append("  open risks (likelihood × impact): " + h.risks.map { "\($0.score) \(TextCell.oneLine($0.description))" }.joined(separator: "; "))
        }
        if !h.conflicts.isEmpty {
            lines.append("  open conflicts:")
            lines += ConflictText.table(h.conflicts).split(separator: "\n").map { "    " + $0 }
        }
        return lines
    }
}
