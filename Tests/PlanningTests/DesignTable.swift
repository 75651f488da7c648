/// The planning schema table of DESIGN.md ("The planning schema"), written out as data: every
/// collection and every field it names, with its kind. Where the table writes "(ref)" without a
/// target, the target is the collection the field name names (project → projects, department,
/// owner_department, organizer, … → departments). Where it writes "priority (enum)" without
/// members, the members are the table's priority members (low, medium, high).
enum Expected: Equatable, CustomStringConvertible {
    case text, real, date, datetime, counter, set
    /// A whole number; `range` nil when the table gives none.
    case integer(ClosedRange<Int64>?)
    case enumeration([String])
    case ref(String)

    var description: String {
        switch self {
        case .text: return "text"
        case .real: return "real"
        case .date: return "date"
        case .datetime: return "datetime"
        case .counter: return "counter"
        case .set: return "set"
        case .integer(let r): return r.map { "integer \($0.lowerBound)–\($0.upperBound)" } ?? "integer"
        case .enumeration(let m): return "enum " + m.joined(separator: ", ")
        case .ref(let c): return "ref(\(c))"
        }
    }
}

let lowMediumHigh = Expected.enumeration(["low", "medium", "high"])

let designTable: [(collection: String, fields: [(String, Expected)])] = [
    ("departments", [("name", .text), ("kind", .enumeration(["planning", "sales", "marketing", "rnd", "finance", "tech", "hr", "other"])),
                     ("lead", .text), ("responsibilities", .text)]),
    ("needs", [("from_department", .ref("departments")), ("title", .text), ("description", .text), ("priority", lowMediumHigh),
               ("status", .enumeration(["open", "acknowledged", "planned", "done"]))]),
    ("goals", [("title", .text), ("level", .enumeration(["company", "department", "project"])), ("department", .ref("departments")),
               ("parent", .ref("goals")), ("metric", .text), ("target", .text), ("due", .date),
               ("status", .enumeration(["proposed", "active", "achieved", "dropped"]))]),
    ("projects", [("name", .text), ("description", .text), ("owner_department", .ref("departments")), ("goal", .ref("goals")),
                  ("status", .enumeration(["planning", "active", "on_hold", "done", "cancelled"])), ("start", .date), ("end", .date),
                  ("budget_planned", .integer(nil)), ("budget_spent", .counter), ("departments", .set), ("channels", .set),
                  ("risk_level", lowMediumHigh)]),
    ("tasks", [("project", .ref("projects")), ("title", .text), ("department", .ref("departments")), ("assignee", .text), ("due", .date),
               ("status", .enumeration(["todo", "doing", "blocked", "done"])), ("priority", lowMediumHigh), ("notes", .text)]),
    ("resources", [("name", .text), ("kind", .enumeration(["human", "financial", "material", "technical"])),
                   ("department", .ref("departments")), ("capacity", .real), ("unit", .text)]),
    ("allocations", [("resource", .ref("resources")), ("project", .ref("projects")), ("amount", .real), ("period_start", .date),
                     ("period_end", .date), ("note", .text)]),
    ("partners", [("name", .text), ("kind", .enumeration(["ad_agency", "pr_firm", "supplier", "media", "other"])), ("contact", .text),
                  ("notes", .text)]),
    ("engagements", [("partner", .ref("partners")), ("project", .ref("projects")), ("scope", .text), ("cost", .integer(nil)),
                     ("status", .enumeration(["proposed", "contracted", "delivered", "closed"]))]),
    ("meetings", [("title", .text), ("kind", .enumeration(["cross_department", "project", "review", "training"])),
                  ("scheduled_at", .datetime), ("recurrence", .text), ("organizer", .ref("departments")), ("project", .ref("projects")),
                  ("attendees", .set), ("agenda", .text), ("minutes", .text)]),
    ("action_items", [("meeting", .ref("meetings")), ("title", .text), ("owner_department", .ref("departments")), ("due", .date),
                      ("status", .enumeration(["open", "done"]))]),
    ("problems", [("project", .ref("projects")), ("title", .text), ("identified_by", .ref("departments")),
                  ("source", .enumeration(["meeting", "report", "data_analysis", "other"])), ("analysis", .text), ("measures", .text),
                  ("due", .date), ("severity", lowMediumHigh), ("status", .enumeration(["open", "mitigating", "resolved"]))]),
    ("risks", [("project", .ref("projects")), ("description", .text), ("likelihood", lowMediumHigh), ("impact", lowMediumHigh),
               ("mitigation", .text), ("status", .enumeration(["open", "closed"]))]),
    ("reports", [("project", .ref("projects")), ("period", .text), ("percent_complete", .integer(0...100)), ("summary", .text),
                 ("author_department", .ref("departments"))]),
    ("trainings", [("topic", .text), ("department", .ref("departments")), ("date", .date), ("trainer", .text), ("attendees", .set),
                   ("notes", .text)]),
    ("incentives", [("department", .ref("departments")), ("recipient", .text), ("kind", .enumeration(["bonus", "recognition", "other"])),
                    ("amount", .integer(nil)), ("reason", .text), ("period", .text)]),
    ("retrospectives", [("project", .ref("projects")), ("summary", .text), ("went_well", .text), ("problems", .text), ("lessons", .text),
                        ("improvements", .text)]),
    ("improvements", [("project", .ref("projects")), ("retrospective", .ref("retrospectives")), ("title", .text),
                      ("owner_department", .ref("departments")), ("due", .date), ("status", .enumeration(["proposed", "doing", "done"]))]),
]
