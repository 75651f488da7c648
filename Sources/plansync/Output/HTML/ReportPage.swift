import PlanningViews

/// `plansync report --html`: one self-contained HTML page (inline CSS and SVG, no network asset)
/// with the goal tree, the health table, the budget chart and the open conflicts.
///
/// The page records script errors into `data-errors` on `<html>` and sets `data-ready="1"` when its
/// last script ran, so a headless browser's DOM dump shows whether it rendered cleanly.
enum ReportPage {
    static func html(title: String, today: CalendarDay, tree: GoalTree, health: [ProjectHealth], conflicts: [ConflictItem]) -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(title))</title>
            <script>window.addEventListener("error", function (e) { var h = document.documentElement; h.setAttribute("data-errors", (h.getAttribute("data-errors") || "") + (e.message || "error") + "; "); });</script>
            <style>\(style)</style>
            </head>
            <body>
            <header><h1>\(HTMLText.escape(title))</h1><p>As of \(today.text), from this laptop's replica (offline copy).</p></header>

            """
        page += "<section id=\"goals\"><h2>Goal alignment</h2>\(goals(tree))</section>\n"
        page += "<section id=\"health\"><h2>Project health</h2>\(healthTable(health))</section>\n"
        page += "<section id=\"budget\"><h2>Budget: planned against spent</h2>\(BudgetChart.svg(health))</section>\n"
        page += "<section id=\"conflicts\"><h2>Open conflicts</h2>\(conflictTable(conflicts))</section>\n"
        page += "<footer>PlanSync report · settle conflicts with <code>plansync conflicts resolve ID --pick N</code></footer>\n"
        page += "<script>document.documentElement.setAttribute(\"data-ready\", \"1\");</script>\n</body>\n</html>\n"
        return page
    }

    private static let style = """
        body{font-family:system-ui,"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei","Noto Color Emoji",sans-serif;margin:24px auto;max-width:1100px;color:#1d2330;padding:0 16px}
        h1{font-size:1.5em;margin-bottom:0}header p{color:#5b6475;margin-top:4px}h2{border-bottom:1px solid #d9dde5;padding-bottom:4px;margin-top:28px}
        table{border-collapse:collapse;width:100%;font-size:.92em}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eceef2;vertical-align:top}th{background:#f4f6f9}
        ul.tree{list-style:none;padding-left:18px}ul.tree li{margin:3px 0}.meta{color:#5b6475;font-size:.88em}.flag{background:#fff1d6;color:#8a5300;border-radius:4px;padding:0 5px;font-size:.82em;margin-left:4px}
        .project{color:#2c4a7a}.badge{border-radius:10px;padding:1px 9px;color:#fff;font-weight:600;font-size:.85em}.green{background:#2e8b57}.amber{background:#d08a00}.red{background:#c62828}
        .achieved{color:#2e8b57}.dropped{color:#8a8f99;text-decoration:line-through}svg .label{font-size:14px;fill:#1d2330}svg .amount{font-size:12px;fill:#5b6475}
        svg .planned{fill:#c5cbd6}svg .spent{fill:#3b74c4}svg .over{fill:#c62828}.none{color:#5b6475}code{background:#f4f6f9;padding:0 4px}footer{margin-top:32px;color:#8a8f99;font-size:.85em}
        """

    private static func goals(_ tree: GoalTree) -> String {
        var out = tree.roots.isEmpty ? "<p class=\"none\">No goals yet.</p>" : "<ul class=\"tree\">" + tree.roots.map(node).joined() + "</ul>"
        if !tree.projectsWithoutGoal.isEmpty {
            out += "<p>Projects without a goal:</p><ul class=\"tree\">"
                + tree.projectsWithoutGoal.map { "<li class=\"project\">▸ \(project($0))<span class=\"flag\">no_goal</span></li>" }.joined() + "</ul>"
        }
        return out
    }

    /// Recurses once per level of the tree, which nests at most ``GoalTree/nestingLimit`` + 1 deep.
    private static func node(_ n: GoalNode) -> String {
        let status = n.status ?? "status unset"
        var meta = [n.level ?? "level unset"]
        if let d = n.department { meta.append(ReferenceText.display(d)) }
        meta.append(status)
        if let due = n.due { meta.append("due " + due) }
        if let placement = GoalsPresenter.flatPlacement(n) { meta.append(placement) }
        var li = "<li><span class=\"\(n.status == "achieved" || n.status == "dropped" ? status : "goal")\">\(HTMLText.escape(n.title))</span> "
            + "<span class=\"meta\">\(HTMLText.escape(meta.joined(separator: " · ")))</span>"
            + n.flags.map { "<span class=\"flag\">\($0.rawValue)</span>" }.joined()
        let inner = n.projects.map { "<li class=\"project\">▸ \(project($0))</li>" }.joined() + n.children.map(node).joined()
        if !inner.isEmpty { li += "<ul class=\"tree\">\(inner)</ul>" }
        return li + "</li>"
    }

    private static func project(_ p: ProjectProgress) -> String {
        HTMLText.escape(p.name) + " <span class=\"meta\">" + HTMLText.escape((p.status ?? "") + " · "
            + (p.percentDone.map { "tasks \(p.tasksDone)/\(p.tasksTotal) done (\($0)%)" } ?? "no tasks")) + "</span>"
    }

    private static func healthTable(_ projects: [ProjectHealth]) -> String {
        guard !projects.isEmpty else { return "<p class=\"none\">No projects yet.</p>" }
        var t = "<table><thead><tr><th>Signal</th><th>Project</th><th>Status</th><th>Timeline</th><th>Spent / planned</th><th>Open problems</th><th>Open risks</th><th>Report</th><th>Why</th></tr></thead><tbody>"
        for h in projects {
            let why = h.reasons.map(\.text).joined(separator: "; ")
            t += "<tr><td><span class=\"badge \(h.overall.rawValue)\">\(h.overall.rawValue)</span></td><td>\(HTMLText.escape(h.name))</td>"
                + "<td>\(HTMLText.escape(h.status ?? ""))</td><td>\(HTMLText.escape(HealthPresenter.timeline(h.timeline)))</td>"
                + "<td>\(HTMLText.escape(HealthPresenter.budget(h.budget)))</td><td>\(h.problems.count)</td><td>\(h.risks.count)</td>"
                + "<td>\(h.latestReport?.percentComplete.map { "\($0)%" } ?? "")</td><td>\(HTMLText.escape(why))</td></tr>"
        }
        return t + "</tbody></table><p class=\"meta\">Red: over budget, past its end, or a high × high risk. Amber: ≥\(HealthRule.nearlySpentPercent)% spent, overdue tasks, a high-severity problem, a risk scoring 6, a report more than \(HealthRule.behindSchedulePoints) points behind, or open conflicts.</p>"
    }

    private static func conflictTable(_ items: [ConflictItem]) -> String {
        guard !items.isEmpty else { return "<p class=\"none\">No open conflicts.</p>" }
        var t = "<table><thead><tr><th>Conflict</th><th>Row</th><th>Field</th><th>Values</th><th>Settle with</th></tr></thead><tbody>"
        for item in items {
            let c = item.conflict
            let values = c.values.map { "\($0.n)) \(FieldText.display($0.value, field: c.field)) (\($0.department ?? $0.node))" }.joined(separator: "  ")
            t += "<tr><td><code>\(HTMLText.escape(c.id))</code></td><td>\(HTMLText.escape("\(c.collection) \(item.rowName ?? c.row)"))</td>"
                + "<td>\(HTMLText.escape(c.field))</td><td>\(HTMLText.escape(values))</td><td><code>\(HTMLText.escape(ConflictText.settle(item)))</code></td></tr>"
        }
        return t + "</tbody></table>"
    }
}
