import SyncModel
import SyncStore

/// The demo's built-in data: the spring market-promotion campaign of a planning department,
/// and the offline edits of four departments that collide.
enum DemoCampaign {
    static let projectName = "2027 春季市场推广 🌸"
    static let salesEnd = "2027-04-20"
    /// The morning of the weekly meeting: the day the demo's views are made for.
    static let meetingDay = "2027-02-01"

    /// Ids of the rows the offline edits touch.
    struct Plan {
        let project: String
        let task: String
        let meeting: String
    }

    /// Planning's first entries: departments, goals, the project with its channels, a task, last
    /// week's and this week's cross-department meetings with an action item, a problem, a risk
    /// and a need from sales.
    static func layOut(on store: ReplicaStore) throws -> Plan {
        let marketing = try store.create("departments", fields: ["name": .text("市场部"), "kind": .text("marketing"), "lead": .text("王芳")])
        let sales = try store.create("departments", fields: ["name": .text("销售部"), "kind": .text("sales"), "lead": .text("李强")])
        let planning = try store.create("departments", fields: ["name": .text("策划部"), "kind": .text("planning"), "lead": .text("陈静")])
        let finance = try store.create("departments", fields: ["name": .text("财务部"), "kind": .text("finance"), "lead": .text("赵敏")])
        let goal = try store.create("goals", fields: ["title": .text("开拓华东新市场"), "level": .text("company"), "status": .text("active"), "due": .text("2027-12-31")])
        try store.create("goals", fields: ["title": .text("提升品牌知名度"), "level": .text("department"), "department": .text(marketing), "parent": .text(goal), "status": .text("active")])
        try store.create("goals", fields: ["title": .text("提升销量"), "level": .text("department"), "department": .text(sales), "parent": .text(goal), "status": .text("active")])
        let project = try store.create("projects", fields: [
            "name": .text(projectName), "owner_department": .text(planning), "goal": .text(goal), "status": .text("planning"),
            "start": .text("2027-03-01"), "end": .text("2027-04-30"), "budget_planned": .integer(80_000_000), "risk_level": .text("medium"),
        ])
        for channel in ["社交媒体", "户外广告"] { try store.add("projects", id: project, field: "channels", element: channel) }
        let task = try store.create("tasks", fields: ["project": .text(project), "title": .text("确定推广渠道"), "department": .text(marketing),
                                                      "status": .text("todo"), "due": .text("2027-02-15")])
        let meeting = try store.create("meetings", fields: [
            "title": .text("跨部门周会"), "kind": .text("cross_department"), "scheduled_at": .text("2027-02-01T10:00:00+08:00"),
            "recurrence": .text("weekly"), "organizer": .text(planning), "project": .text(project), "minutes": .text("议程：预算、渠道、时间表"),
        ])
        for department in ["marketing", "sales", "finance"] { try store.add("meetings", id: meeting, field: "attendees", element: department) }
        let lastWeek = try store.create("meetings", fields: [
            "title": .text("跨部门周会"), "kind": .text("cross_department"), "scheduled_at": .text("2027-01-25T10:00:00+08:00"),
            "organizer": .text(planning), "project": .text(project), "minutes": .text("决定：先确认渠道预算"),
        ])
        try store.create("action_items", fields: ["meeting": .text(lastWeek), "title": .text("确认渠道预算 💰"), "owner_department": .text(finance),
                                                  "due": .text("2027-01-29"), "status": .text("open")])
        try store.create("action_items", fields: ["meeting": .text(lastWeek), "title": .text("整理去年推广数据"), "owner_department": .text(marketing),
                                                  "due": .text("2027-01-28"), "status": .text("done")])
        try store.create("problems", fields: ["project": .text(project), "title": .text("户外广告报价高于预期"), "identified_by": .text(finance),
                                              "source": .text("meeting"), "severity": .text("high"), "status": .text("open")])
        try store.create("risks", fields: ["project": .text(project), "description": .text("竞品同期促销 📉"), "likelihood": .text("high"),
                                           "impact": .text("medium"), "mitigation": .text("提前锁定媒体资源"), "status": .text("open")])
        try store.create("needs", fields: ["from_department": .text(sales), "title": .text("新品海报 🎨"), "priority": .text("high"), "status": .text("open")])
        return Plan(project: project, task: task, meeting: meeting)
    }

    /// One department's offline edit, and how it reads.
    struct Edit {
        let department: String
        let description: String
        let apply: (ReplicaStore) throws -> Void
    }

    /// Ten edits made while nobody syncs: two end dates, two spends, a channel added and one
    /// removed, a task deleted by one and edited by another, two versions of the minutes.
    static func offlineEdits(_ plan: Plan) -> [Edit] {
        [
            Edit(department: "marketing", description: "project end → 2027-05-15") { try $0.update("projects", id: plan.project, fields: ["end": .text("2027-05-15")]) },
            Edit(department: "sales", description: "project end → \(salesEnd)") { try $0.update("projects", id: plan.project, fields: ["end": .text(salesEnd)]) },
            Edit(department: "finance", description: "budget_spent + ¥50,000.00") { try $0.increment("projects", id: plan.project, field: "budget_spent", by: 5_000_000) },
            Edit(department: "marketing", description: "budget_spent + ¥12,000.00") { try $0.increment("projects", id: plan.project, field: "budget_spent", by: 1_200_000) },
            Edit(department: "marketing", description: "channels: adds 短视频") { try $0.add("projects", id: plan.project, field: "channels", element: "短视频") },
            Edit(department: "sales", description: "channels: removes 户外广告") { try $0.remove("projects", id: plan.project, field: "channels", element: "户外广告") },
            Edit(department: "planning", description: "deletes the task 确定推广渠道") { try $0.delete("tasks", id: plan.task) },
            Edit(department: "sales", description: "task 确定推广渠道: status → doing") { try $0.update("tasks", id: plan.task, fields: ["status": .text("doing")]) },
            Edit(department: "planning", description: "meeting minutes → 决定：增加短视频渠道") { try $0.update("meetings", id: plan.meeting, fields: ["minutes": .text("决定：增加短视频渠道")]) },
            Edit(department: "marketing", description: "meeting minutes → 决定：推迟上线两周") { try $0.update("meetings", id: plan.meeting, fields: ["minutes": .text("决定：推迟上线两周")]) },
        ]
    }

    /// Minor units (fen) as yuan: `¥62,000.00`.
    static func yuan(_ value: FieldValue?) -> String {
        guard case .counter(let fen)? = value else { return "?" }
        return MoneyText.yuan(fen)
    }
}
