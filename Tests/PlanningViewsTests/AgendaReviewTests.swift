import Foundation
import PlanningViews
import SyncModel
import Testing

/// The meeting agenda and the project review over synced replicas.
@Suite struct AgendaReviewTests {
    let today = CalendarDay("2026-03-01")!

    @Test func agendaGathersWhatTheMeetingMustSettle() async throws {
        let laptops = try await SyncedLaptops.start()
        let p = laptops("planning"), s = laptops("sales")
        let market = try p.make("departments", ["name": "市场部"])
        let sales = try p.make("departments", ["name": "销售部"])
        let project = try p.make("projects", ["name": "春季推广🌸"])
        let last = try p.make("meetings", ["title": "周例会", "kind": "cross_department", "scheduled_at": "2026-02-22T09:00:00+08:00"])
        let meeting = try p.make("meetings", ["title": "周例会", "kind": "cross_department", "scheduled_at": "2026-03-01T09:00:00+08:00",
                                              "organizer": market, "project": project])
        try p.make("meetings", ["title": "培训", "kind": "training", "scheduled_at": "2026-03-01T08:00:00Z"])
        try p.make("meetings", ["title": "下周例会", "kind": "cross_department", "scheduled_at": "2026-03-08T09:00:00+08:00"])
        try p.make("problems", ["project": project, "title": "低", "severity": "low", "status": "open"])
        try p.make("problems", ["project": project, "title": "高 🔥", "severity": "high", "status": "mitigating"])
        try p.make("problems", ["project": project, "title": "已解决", "severity": "high", "status": "resolved"])
        let late = try p.make("action_items", ["meeting": last, "title": "重新评估渠道", "owner_department": sales, "due": "2026-02-25", "status": "open"])
        try p.make("action_items", ["meeting": last, "title": "已完成", "owner_department": market, "due": "2026-02-20", "status": "done"])
        try p.make("action_items", ["meeting": last, "title": "未到期", "owner_department": market, "due": "2026-03-05", "status": "open"])
        try p.make("needs", ["from_department": sales, "title": "海报", "priority": "high", "status": "open"])
        try p.make("needs", ["from_department": sales, "title": "已完成需求", "status": "done"])
        try await laptops.syncAll()
        try p.update("projects", id: project, fields: ["status": .text("active")])
        try s.update("projects", id: project, fields: ["status": .text("on_hold")])
        try await laptops.syncAll()

        let snapshot = try laptops.snapshot()
        #expect(Agenda.nextMeeting(in: snapshot, today: today)?.id == meeting,
                "01:00 UTC on the day counts as from today on; training meetings are not cross-department")
        let agenda = Agenda.of(try #require(snapshot.row("meetings", meeting)), in: snapshot, today: today)
        #expect(agenda.openProblems.map(\.title) == ["高 🔥", "低"])
        #expect(agenda.overdueActionItems.map { $0.department?.name } == ["销售部"])
        #expect(agenda.overdueActionItems.first?.items.map(\.id) == [late])
        #expect(agenda.overdueActionItems.first?.items.first?.daysOverdue == 4)
        #expect(agenda.openNeeds.map(\.title) == ["海报"])
        let conflict = try #require(agenda.conflicts.first)
        #expect(conflict.conflict.row == project && conflict.rowName == "春季推广🌸")
        #expect(agenda.previousMeeting?.id == last)
        #expect(agenda.previousActionItems.map(\.title) == ["重新评估渠道", "未到期", "已完成"], "open first, then by due day")
        await laptops.stop()
    }

    @Test func reviewDigestsTheRetrospectiveAndWhoChangedWhat() async throws {
        let laptops = try await SyncedLaptops.start()
        let p = laptops("planning"), s = laptops("sales")
        let market = try p.make("departments", ["name": "市场部"])
        let project = try p.make("projects", ["name": "春季推广🌸", "status": "done"])
        let other = try p.make("projects", ["name": "别的项目"])
        let retro = try p.make("retrospectives", ["project": project, "went_well": "社交媒体转化高", "lessons": "提前锁定媒体资源"])
        try p.make("problems", ["project": project, "title": "渠道成本超支", "status": "resolved", "measures": "改投短视频"])
        try p.make("problems", ["project": project, "title": "还开着", "status": "open", "severity": "high"])
        try p.make("improvements", ["project": project, "retrospective": retro, "title": "建立媒体库", "owner_department": market, "status": "doing"])
        try p.make("retrospectives", ["project": other, "lessons": "别的教训"])
        try await laptops.syncAll()
        try s.update("projects", id: project, fields: ["end": .text("2026-04-20")])
        try await laptops.syncAll()

        let review = Review.of(try #require(try laptops.snapshot().row("projects", project)), in: try laptops.snapshot(),
                               recentOps: try p.recentOps(limit: 1000))
        #expect(review.retrospectives.compactMap(\.lessons) == ["提前锁定媒体资源"])
        #expect(review.retrospectives.compactMap(\.wentWell) == ["社交媒体转化高"])
        #expect(review.problems.map(\.title) == ["渠道成本超支", "还开着"], "resolved first")
        #expect(review.problems.first?.measures == "改投短视频")
        #expect(review.improvements.map { $0.owner?.name } == ["市场部"])
        let latest = try #require(review.recentChanges.first)
        #expect(latest.edits.map(\.field) == ["end"] && latest.department == "sales" && latest.edits.first?.value == .text("2026-04-20"),
                "newest first, from the other laptop")
        let made = try #require(review.recentChanges.first { $0.collection == "improvements" })
        #expect(made.edits.first?.field == "_deleted" && made.edits.count > 3, "a row made at once is one change, its ops in write order")
        #expect(review.recentChanges.allSatisfy { $0.row != other }, "only the project's rows")
        #expect(made.edits.contains { $0.field == "owner_department" && $0.reference?.name == "市场部" }, "references read as names")
        await laptops.stop()
    }
}
