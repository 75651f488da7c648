import Foundation
import Testing

/// A planning lead's data entered on two laptops through `plansync` and synced through a daemon,
/// as in a real week: an over-budget overdue campaign, an orphan goal, an open problem, an
/// overdue action item, a conflict on a task, a deleted department and a dangling reference.
struct PlanningFixture {
    let department: String
    let deletedDepartment: String
    let project: String
    let task: String
    let meeting: String
    /// The day the views are asked for (`--today`).
    static let today = "2026-03-01"

    static func make(_ ws: Workspace, _ daemon: TestDaemon) throws -> PlanningFixture {
        try ws.ok("a", "init", "--node", "na", "--department", "planning", "--server", daemon.address, "--token", daemon.token(for: "planning"))
        try ws.ok("b", "init", "--node", "nb", "--department", "sales", "--server", daemon.address, "--token", daemon.token(for: "sales"))
        let dep = try ws.ok("a", "put", "departments", "name=市场部", "kind=marketing")
        let old = try ws.ok("a", "put", "departments", "name=旧部门", "kind=other")
        let company = try ws.ok("a", "put", "goals", "title=年度增长20%", "level=company", "status=active")
        let goal = try ws.ok("a", "put", "goals", "title=新客户3000", "level=department", "department=\(dep)", "parent=\(company)", "status=active")
        try ws.ok("a", "put", "goals", "title=孤儿目标", "level=department", "department=\(dep)", "status=active")
        let project = try ws.ok("a", "put", "projects", "name=春季推广🌸", "owner_department=\(dep)", "goal=\(goal)", "status=active",
                                "start=2026-01-01", "end=2026-02-01", "budget_planned=1000000")
        try ws.ok("a", "put", "projects", "name=Small ok", "owner_department=\(old)", "status=active", "start=2026-02-01", "end=2026-06-01",
                  "budget_planned=500000")
        try ws.ok("a", "inc", "projects", project, "budget_spent", "1500000")
        let task = try ws.ok("a", "put", "tasks", "project=\(project)", "title=投放排期", "department=\(dep)", "due=2026-01-15", "status=doing")
        try ws.ok("a", "put", "problems", "project=\(project)", "title=渠道成本超支", "severity=high", "status=open")
        let meeting = try ws.ok("a", "put", "meetings", "title=周例会", "kind=cross_department", "scheduled_at=2026-03-02T09:00:00Z",
                                "organizer=\(dep)", "project=\(project)")
        try ws.ok("a", "put", "action_items", "meeting=\(meeting)", "title=重新评估渠道", "owner_department=\(dep)", "due=2026-01-10", "status=open")
        try ws.ok("a", "put", "retrospectives", "project=\(project)", "lessons=提前锁定媒体资源", "went_well=社交媒体转化高")
        try ws.ok("a", "sync")
        try ws.ok("b", "sync")
        try ws.ok("a", "put", "tasks", task, "status=done")
        try ws.ok("b", "put", "tasks", task, "status=blocked")
        try ws.ok("a", "delete", "departments", old)
        for r in ["a", "b", "a", "b"] { try ws.ok(r, "sync") }
        return PlanningFixture(department: dep, deletedDepartment: old, project: project, task: task, meeting: meeting)
    }
}
