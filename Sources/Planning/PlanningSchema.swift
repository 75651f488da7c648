import SyncModel

/// The planning department's schema (DESIGN.md, "The planning schema"): every collection and
/// field as data. Nothing else in the system has per-collection code paths.
///
/// ```swift
/// let schema = PlanningSchema.schema
/// schema.collection("projects")?.field("budget_spent")?.kind   // .counter
/// ```
/// Money is an integer in minor units (fen, cents). Bump ``version`` when fields change; clients
/// send it in `hello`.
public enum PlanningSchema {
    /// The schema version clients send in `hello.schema`.
    public static let version = 1

    static let priority = FieldKind.enumeration(["low", "medium", "high"])
    static let departmentKinds = FieldKind.enumeration(["planning", "sales", "marketing", "rnd", "finance", "tech", "hr", "other"])

    /// The whole schema.
    public static let schema = Schema(version: version, collections: [
        CollectionSchema("departments", [
            .init("name", .text), .init("kind", departmentKinds), .init("lead", .text), .init("responsibilities", .text),
        ]),
        CollectionSchema("needs", [
            .init("from_department", .ref("departments")), .init("title", .text), .init("description", .text),
            .init("priority", priority), .init("status", .enumeration(["open", "acknowledged", "planned", "done"])),
        ]),
        CollectionSchema("goals", [
            .init("title", .text), .init("level", .enumeration(["company", "department", "project"])),
            .init("department", .ref("departments")), .init("parent", .ref("goals")), .init("metric", .text),
            .init("target", .text), .init("due", .date), .init("status", .enumeration(["proposed", "active", "achieved", "dropped"])),
        ]),
        CollectionSchema("projects", [
            .init("name", .text), .init("description", .text), .init("owner_department", .ref("departments")),
            .init("goal", .ref("goals")), .init("status", .enumeration(["planning", "active", "on_hold", "done", "cancelled"])),
            .init("start", .date), .init("end", .date), .init("budget_planned", .anyInteger), .init("budget_spent", .counter),
            .init("departments", .textSet), .init("channels", .textSet), .init("risk_level", priority),
        ]),
        CollectionSchema("tasks", [
            .init("project", .ref("projects")), .init("title", .text), .init("department", .ref("departments")),
            .init("assignee", .text), .init("due", .date), .init("status", .enumeration(["todo", "doing", "blocked", "done"])),
            .init("priority", priority), .init("notes", .text),
        ]),
        CollectionSchema("resources", [
            .init("name", .text), .init("kind", .enumeration(["human", "financial", "material", "technical"])),
            .init("department", .ref("departments")), .init("capacity", .real), .init("unit", .text),
        ]),
        CollectionSchema("allocations", [
            .init("resource", .ref("resources")), .init("project", .ref("projects")), .init("amount", .real),
            .init("period_start", .date), .init("period_end", .date), .init("note", .text),
        ]),
        CollectionSchema("partners", [
            .init("name", .text), .init("kind", .enumeration(["ad_agency", "pr_firm", "supplier", "media", "other"])),
            .init("contact", .text), .init("notes", .text),
        ]),
        CollectionSchema("engagements", [
            .init("partner", .ref("partners")), .init("project", .ref("projects")), .init("scope", .text),
            .init("cost", .anyInteger), .init("status", .enumeration(["proposed", "contracted", "delivered", "closed"])),
        ]),
        CollectionSchema("meetings", [
            .init("title", .text), .init("kind", .enumeration(["cross_department", "project", "review", "training"])),
            .init("scheduled_at", .datetime), .init("recurrence", .text), .init("organizer", .ref("departments")),
            .init("project", .ref("projects")), .init("attendees", .textSet), .init("agenda", .text), .init("minutes", .text),
        ]),
        CollectionSchema("action_items", [
            .init("meeting", .ref("meetings")), .init("title", .text), .init("owner_department", .ref("departments")),
            .init("due", .date), .init("status", .enumeration(["open", "done"])),
        ]),
        CollectionSchema("problems", [
            .init("project", .ref("projects")), .init("title", .text), .init("identified_by", .ref("departments")),
            .init("source", .enumeration(["meeting", "report", "data_analysis", "other"])), .init("analysis", .text),
            .init("measures", .text), .init("due", .date), .init("severity", priority),
            .init("status", .enumeration(["open", "mitigating", "resolved"])),
        ]),
        CollectionSchema("risks", [
            .init("project", .ref("projects")), .init("description", .text), .init("likelihood", priority),
            .init("impact", priority), .init("mitigation", .text), .init("status", .enumeration(["open", "closed"])),
        ]),
        CollectionSchema("reports", [
            .init("project", .ref("projects")), .init("period", .text), .init("percent_complete", .integer(0...100)),
            .init("summary", .text), .init("author_department", .ref("departments")),
        ]),
        CollectionSchema("trainings", [
            .init("topic", .text), .init("department", .ref("departments")), .init("date", .date),
            .init("trainer", .text), .init("attendees", .textSet), .init("notes", .text),
        ]),
        CollectionSchema("incentives", [
            .init("department", .ref("departments")), .init("recipient", .text),
            .init("kind", .enumeration(["bonus", "recognition", "other"])), .init("amount", .anyInteger),
            .init("reason", .text), .init("period", .text),
        ]),
        CollectionSchema("retrospectives", [
            .init("project", .ref("projects")), .init("summary", .text), .init("went_well", .text),
            .init("problems", .text), .init("lessons", .text), .init("improvements", .text),
        ]),
        CollectionSchema("improvements", [
            .init("project", .ref("projects")), .init("retrospective", .ref("retrospectives")), .init("title", .text),
            .init("owner_department", .ref("departments")), .init("due", .date),
            .init("status", .enumeration(["proposed", "doing", "done"])),
        ]),
    ])
}
