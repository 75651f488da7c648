import ArgumentParser
import PlanningViews

/// `health [PROJECT] [--json]`: every live project's (or one project's) signal with its timeline,
/// budget, problems, risks, latest report and conflicts.
struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "health", abstract: "Show projects as green, amber or red, and why.")

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var today: TodayOption
    @Argument(help: "One project (id or name); all live projects when omitted.")
    var project: String?
    @Flag(help: "Print JSON: {today, projects:[{id, name, overall, reasons, timeline, budget, problems, risks, latest_report, conflicts}]}.")
    var json = false

    func run() throws {
        let day = try today.day()
        let snapshot = try PlanningSnapshot.load(from: ReplicaAccess.open(replica))
        let projects = try project.map { [ProjectHealth.of(try ViewLookup.project($0, in: snapshot), in: snapshot, today: day)] }
            ?? ProjectHealth.all(in: snapshot, today: day)
        Console.out(json ? HealthPresenter.json(projects, today: day).render() : HealthPresenter.text(projects, detailed: project != nil))
    }
}
