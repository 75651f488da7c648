import SyncStore

/// The health of one project on a given day (`plansync health`): timeline, budget, open problems,
/// open risks, the latest progress report, open conflicts, and an overall signal with its reasons
/// (see ``HealthRule``).
public struct ProjectHealth: Sendable {
    /// The project's row id and `name`.
    public let id: String
    /// The row's `name` (empty when unset).
    public let name: String
    /// `projects.status`, nil when unset.
    public let status: String?
    /// `projects.owner_department`, nil when unset.
    public let ownerDepartment: Reference?
    /// Green, amber or red.
    public let overall: HealthSignal
    /// Why the signal is not green: every rule that fired, red ones first.
    public let reasons: [HealthReason]
    /// Start and end against today, and overdue tasks.
    public let timeline: Timeline
    /// Planned against spent, in minor units.
    public let budget: Budget
    /// Open problems (status `open` or `mitigating`), most severe first, then by title.
    public let problems: [ProblemItem]
    /// Open risks (status not `closed`), highest likelihood × impact first.
    public let risks: [RiskItem]
    /// The latest report (greatest `period`, then id), nil when there is none.
    public let latestReport: ReportItem?
    /// Open conflicts on the project's rows (the project, its tasks, problems, …, deleted ones too).
    public let conflicts: [ConflictItem]
}

/// The overall signal of a project.
public enum HealthSignal: String, Sendable, Comparable, CaseIterable {
    case green, amber, red

    /// green < amber < red.
    public static func < (a: HealthSignal, b: HealthSignal) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One rule of ``HealthRule`` that fired.
public struct HealthReason: Sendable, Hashable {
    /// The signal the rule sets.
    public let signal: HealthSignal
    /// A stable code: `over_budget`, `past_end`, `severe_risk`, `budget_nearly_spent`,
    /// `overdue_tasks`, `open_high_problem`, `high_risk`, `behind_schedule`, `open_conflicts`.
    public let code: String
    /// The reason in words, with the numbers.
    public let text: String
}

/// Start and end against today, and the overdue tasks by department.
public struct Timeline: Sendable {
    /// `projects.start` and `projects.end`, nil when unset or not a date.
    public let start: CalendarDay?
    /// `projects.end`, nil when unset or not a date.
    public let end: CalendarDay?
    /// The day the view was made for.
    public let today: CalendarDay
    /// Days from start to end; nil unless both are set.
    public let daysTotal: Int?
    /// Days from start to today, within 0...daysTotal; nil unless both are set.
    public let daysElapsed: Int?
    /// Days from today to end (negative once past); nil without an end.
    public let daysLeft: Int?
    /// Live tasks not done whose `due` is before today, grouped by `tasks.department`.
    public let overdueTasks: [DepartmentTasks]

    /// Percent of the planned time elapsed (0–100), nil unless start and end are set.
    public var percentElapsed: Int? {
        guard let total = daysTotal, let elapsed = daysElapsed else { return nil }
        return total <= 0 ? (elapsed > 0 ? 100 : 0) : elapsed * 100 / total
    }
}

/// Overdue tasks of one department (nil department: tasks with no department).
public struct DepartmentTasks: Sendable {
    /// The department, nil when unset (or for the group of rows without one).
    public let department: Reference?
    /// Most overdue first.
    public let tasks: [TaskItem]
}

/// A task past its due day.
public struct TaskItem: Sendable {
    /// The row id.
    public let id: String
    /// The row's `title` (empty when unset).
    public let title: String
    /// The row's `status` enum member, nil when unset.
    public let status: String?
    /// `tasks.due`.
    public let due: CalendarDay
    /// Days between `due` and today (≥ 1).
    public let daysOverdue: Int
}

/// Planned against spent, in minor units (fen, cents).
public struct Budget: Sendable {
    /// `projects.budget_planned`, nil when unset.
    public let planned: Int64?
    /// `projects.budget_spent` (a counter).
    public let spent: Int64

    /// Spent as a percent of planned, rounded down; nil unless planned > 0. Clamped to `Int`'s
    /// range: concurrent increments can take a counter past ±2^53, and `Int(_:)` of a larger
    /// double traps.
    public var percentSpent: Int? {
        guard let planned, planned > 0 else { return nil }
        let percent = (Double(spent) * 100 / Double(planned)).rounded(.down)
        return Int(exactly: percent) ?? (percent < 0 ? .min : .max)
    }

    /// Whether more was spent than planned (planned > 0).
    public var isOver: Bool { (planned ?? 0) > 0 && spent > planned! }
}

/// An open problem.
public struct ProblemItem: Sendable {
    /// The row id.
    public let id: String
    /// The row's `title` (empty when unset).
    public let title: String
    /// `low`, `medium`, `high` or nil.
    public let severity: String?
    /// `open` or `mitigating`.
    public let status: String?
    /// `problems.due`, nil when unset.
    public let due: String?
    /// The project it belongs to and who identified it, nil when unset.
    public let project: Reference?
    /// `problems.identified_by`, nil when unset.
    public let identifiedBy: Reference?
}

/// An open risk, scored likelihood × impact (low 1, medium 2, high 3; 0 when either is unset).
public struct RiskItem: Sendable {
    /// The row id.
    public let id: String
    /// `risks.description` (empty when unset).
    public let description: String
    /// `low`, `medium` or `high`; nil when unset.
    public let likelihood: String?
    /// `low`, `medium` or `high`; nil when unset.
    public let impact: String?
    /// `risks.mitigation`, nil when unset.
    public let mitigation: String?

    /// 1…9, 0 when likelihood or impact is unset.
    public var score: Int { Rank.of(likelihood) * Rank.of(impact) }
}

/// A progress report.
public struct ReportItem: Sendable {
    /// The row id.
    public let id: String
    /// `reports.period` as written (e.g. `2027-W11`), nil when unset.
    public let period: String?
    /// 0–100, nil when unset.
    public let percentComplete: Int?
    /// `reports.author_department`, nil when unset.
    public let author: Reference?
}
