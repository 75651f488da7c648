/// The rule behind a project's green / amber / red (docs/user-guide.md, "The health rule").
///
/// Red when any of: spent more than planned (`over_budget`); today is after `end` and the project
/// is not done or cancelled (`past_end`); an open risk of high likelihood and high impact
/// (`severe_risk`).
/// Amber when none of those but any of: spent at least 90 % of planned (`budget_nearly_spent`);
/// an overdue task (`overdue_tasks`); an open high-severity problem (`open_high_problem`); an open
/// risk scoring 6 (high × medium) (`high_risk`); the latest report's percent complete more than 20
/// points behind the share of time elapsed (`behind_schedule`); an open conflict on the
/// project's rows (`open_conflicts`).
/// Green otherwise. For a project that is done or cancelled, the time-based rules (`past_end`,
/// `overdue_tasks`, `behind_schedule`) do not apply.
public enum HealthRule {
    /// Spent/planned percent from which the budget turns amber.
    public static let nearlySpentPercent = 90
    /// Points of percent complete a report may lag the elapsed time before it turns amber.
    public static let behindSchedulePoints = 20

    /// Every rule that fires for these facts, red ones first, in the order above.
    public static func reasons(status: String?, timeline: Timeline, budget: Budget, problems: [ProblemItem],
                               risks: [RiskItem], latestReport: ReportItem?, conflicts: Int) -> [HealthReason] {
        let closed = status == "done" || status == "cancelled"
        var out: [HealthReason] = []
        func fire(_ signal: HealthSignal, _ code: String, _ text: String) { out.append(HealthReason(signal: signal, code: code, text: text)) }
        if budget.isOver, let percent = budget.percentSpent { fire(.red, "over_budget", "spent \(percent)% of the planned budget") }
        if !closed, let left = timeline.daysLeft, left < 0, let end = timeline.end {
            fire(.red, "past_end", "ended \(end.text), \(-left) day\(-left == 1 ? "" : "s") ago, and is not done")
        }
        let severe = risks.filter { $0.score == 9 }.count
        if severe > 0 { fire(.red, "severe_risk", "\(severe) open risk\(severe == 1 ? "" : "s") of high likelihood and high impact") }
        if !budget.isOver, let percent = budget.percentSpent, percent >= nearlySpentPercent {
            fire(.amber, "budget_nearly_spent", "spent \(percent)% of the planned budget")
        }
        let overdue = timeline.overdueTasks.reduce(0) { $0 + $1.tasks.count }
        if !closed, overdue > 0 { fire(.amber, "overdue_tasks", "\(overdue) overdue task\(overdue == 1 ? "" : "s")") }
        let high = problems.filter { $0.severity == "high" }.count
        if high > 0 { fire(.amber, "open_high_problem", "\(high) open high-severity problem\(high == 1 ? "" : "s")") }
        let highRisks = risks.filter { $0.score == 6 }.count
        if highRisks > 0 { fire(.amber, "high_risk", "\(highRisks) open risk\(highRisks == 1 ? "" : "s") scoring 6 (high × medium)") }
        if !closed, let elapsed = timeline.percentElapsed, let done = latestReport?.percentComplete, done + behindSchedulePoints < elapsed {
            fire(.amber, "behind_schedule", "reported \(done)% complete with \(elapsed)% of the time gone")
        }
        if conflicts > 0 { fire(.amber, "open_conflicts", "\(conflicts) open conflict\(conflicts == 1 ? "" : "s") on its rows") }
        return out
    }

    /// The worst signal among `reasons`, green when there are none.
    public static func overall(_ reasons: [HealthReason]) -> HealthSignal {
        reasons.map(\.signal).max() ?? .green
    }
}
