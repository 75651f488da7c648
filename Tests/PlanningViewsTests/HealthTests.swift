import Foundation
import PlanningViews
import SyncModel
import Testing

/// Project health over synced replicas: the green / amber / red rule and what feeds it.
@Suite struct HealthTests {
    let today = CalendarDay("2026-03-01")!

    @Test func overBudgetAndPastItsEndIsRed() async throws {
        let laptops = try await SyncedLaptops.start()
        let p = laptops("planning"), s = laptops("sales")
        let market = try p.make("departments", ["name": "市场部"])
        let project = try p.make("projects", ["name": "春季推广🌸", "status": "active", "start": "2026-01-01", "end": "2026-02-01",
                                              "owner_department": market], numbers: ["budget_planned": 1_000_000])
        let task = try p.make("tasks", ["project": project, "title": "投放排期", "department": market, "due": "2026-01-15", "status": "doing"])
        try p.make("tasks", ["project": project, "title": "已完成", "department": market, "due": "2026-01-10", "status": "done"])
        try p.make("problems", ["project": project, "title": "渠道成本超支", "severity": "high", "status": "open"])
        try p.make("problems", ["project": project, "title": "小问题", "severity": "low", "status": "open"])
        try p.make("problems", ["project": project, "title": "已解决", "severity": "high", "status": "resolved"])
        try p.make("risks", ["project": project, "description": "竞品", "likelihood": "high", "impact": "medium"])
        try p.make("reports", ["project": project, "period": "2026-01"], numbers: ["percent_complete": 30])
        try p.make("reports", ["project": project, "period": "2026-02"], numbers: ["percent_complete": 55])
        try await laptops.syncAll()
        try s.increment("projects", id: project, field: "budget_spent", by: 900_000)
        try p.increment("projects", id: project, field: "budget_spent", by: 600_000)
        try p.update("tasks", id: task, fields: ["status": .text("done")])
        try s.update("tasks", id: task, fields: ["status": .text("blocked")])
        try await laptops.syncAll()

        let snapshot = try laptops.snapshot("sales")
        let health = try #require(ProjectHealth.all(in: snapshot, today: today).first)
        #expect(health.overall == .red)
        #expect(health.reasons.map(\.code).prefix(2) == ["over_budget", "past_end"])
        #expect(health.budget.spent == 1_500_000 && health.budget.percentSpent == 150 && health.budget.isOver)
        #expect(health.timeline.daysLeft == -28 && health.timeline.percentElapsed == 100)
        #expect(health.problems.map(\.title) == ["渠道成本超支", "小问题"], "open problems only, most severe first")
        #expect(health.risks.first?.score == 6)
        #expect(health.latestReport?.percentComplete == 55, "the latest period's report")
        #expect(health.conflicts.map(\.conflict.row) == [task], "the conflict on the project's task is the project's")
        #expect(health.conflicts.first?.rowName == "投放排期")
        // The task's shown status depends on the winner; either way the time-based rule sees it.
        let overdue = health.timeline.overdueTasks.flatMap(\.tasks).map(\.id)
        #expect(overdue == (snapshot.row("tasks", task)?.text("status") == "done" ? [] : [task]))
        await laptops.stop()
    }

    @Test func signalsFollowTheRule() async throws {
        let laptops = try await SyncedLaptops.start(["planning"])
        let p = laptops("planning")
        let fine = try p.make("projects", ["name": "按计划", "status": "active", "start": "2026-02-01", "end": "2026-04-01"],
                              numbers: ["budget_planned": 100])
        let late = try p.make("projects", ["name": "有逾期任务", "status": "active", "start": "2026-02-01", "end": "2026-04-01"])
        try p.make("tasks", ["project": late, "title": "逾期", "due": "2026-02-20", "status": "todo"])
        let done = try p.make("projects", ["name": "已结束", "status": "done", "start": "2025-01-01", "end": "2025-02-01"])
        try p.make("tasks", ["project": done, "title": "没做完也不算逾期", "due": "2025-01-20", "status": "todo"])
        let spent = try p.make("projects", ["name": "快花完", "status": "active"], numbers: ["budget_planned": 100])
        try p.increment("projects", id: spent, field: "budget_spent", by: 95)
        let severe = try p.make("projects", ["name": "高风险", "status": "active"])
        try p.make("risks", ["project": severe, "description": "大风险", "likelihood": "high", "impact": "high"])
        try p.make("risks", ["project": severe, "description": "已关闭", "likelihood": "high", "impact": "high", "status": "closed"])

        let all = ProjectHealth.all(in: try laptops.snapshot(), today: today)
        func signal(_ id: String) -> HealthSignal? { all.first { $0.id == id }?.overall }
        #expect(signal(fine) == .green)
        #expect(signal(late) == .amber)
        #expect(signal(done) == .green, "a done project has no overdue tasks and cannot be past its end")
        #expect(signal(spent) == .amber)
        #expect(all.first { $0.id == spent }?.reasons.map(\.code) == ["budget_nearly_spent"])
        #expect(signal(severe) == .red)
        #expect(all.first { $0.id == severe }?.risks.count == 1, "closed risks are not open")
        #expect(all.map(\.overall) == all.map(\.overall).sorted(by: >), "worst first")
        await laptops.stop()
    }
}
