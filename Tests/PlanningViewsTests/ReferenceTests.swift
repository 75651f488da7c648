import Foundation
import Planning
import PlanningViews
import SyncModel
import Testing

/// References read as names; deleted and missing rows read as dangling.
@Suite struct ReferenceTests {
    @Test func liveDeletedAndMissingReferences() async throws {
        let laptops = try await SyncedLaptops.start()
        let p = laptops("planning"), s = laptops("sales")
        let market = try p.make("departments", ["name": "市场部"])
        let closed = try p.make("departments", ["name": "已撤销部门"])
        let project = try p.make("projects", ["name": "推广", "owner_department": market])
        let task = try p.make("tasks", ["project": project, "title": "任务", "department": closed])
        // A reference to a row sales made but has not synced yet: missing on planning's laptop.
        let unseen = try s.make("departments", ["name": "未同步"])
        _ = try await laptops.clients["planning"]!.sync()
        try p.delete("departments", id: closed)
        let need = try p.make("needs", ["title": "需要", "from_department": unseen])

        let snapshot = try laptops.snapshot()
        let projectRow = try #require(snapshot.row("projects", project))
        #expect(snapshot.reference(projectRow, "owner_department") == Reference(collection: "departments", id: market, name: "市场部", state: .live))
        let taskRow = try #require(snapshot.row("tasks", task))
        #expect(snapshot.reference(taskRow, "department")?.state == .deleted)
        #expect(snapshot.reference(taskRow, "department")?.name == "已撤销部门")
        let needRow = try #require(snapshot.row("needs", need))
        #expect(snapshot.reference(needRow, "from_department") == Reference(collection: "departments", id: unseen, name: nil, state: .missing))
        let all = Reference.all(of: taskRow, schema: try #require(PlanningSchema.schema.collection("tasks"))) { snapshot.row($0, $1) }
        #expect(Set(all.keys) == ["project", "department"])
        #expect(all["project"]?.name == "推广")
        await laptops.stop()
    }

    @Test func calendarDaysAndInstants() {
        #expect(CalendarDay("2027-03-01")!.days - CalendarDay("2027-02-01")!.days == 28)
        #expect(CalendarDay("1970-01-01")!.days == 0)
        #expect(CalendarDay("2027-02-30") == nil)
        #expect(Instant.seconds(of: "2027-02-01T10:00:00+08:00") == Instant.seconds(of: "2027-02-01T02:00:00Z"))
        #expect(Instant.seconds(of: "2027-02-01T02:00:00.5-01:30")! - Instant.seconds(of: "2027-02-01T02:00:00Z")! == 5400)
        #expect(CalendarDay.today(now: Date(timeIntervalSince1970: 86_400 * 365)).text == "1971-01-01")
    }
}
