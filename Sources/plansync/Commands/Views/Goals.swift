import ArgumentParser
import PlanningViews

/// `goals [--department D] [--json]`: the alignment tree (company → department → project goals)
/// with the projects under each goal, and the flags.
struct GoalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "goals", abstract: "Show how goals align, with their projects and what does not line up.")

    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("Narrow to one department's goals (its id or name) and what they align with.", valueName: "department"))
    var department: String?
    @Flag(help: "Print JSON: {department, goals:[node…], projects_without_goal, flags}.")
    var json = false

    func run() throws {
        let snapshot = try PlanningSnapshot.load(from: ReplicaAccess.open(replica))
        let narrowed = try department.map { try ViewLookup.department($0, in: snapshot).id }
        let tree = GoalTree.build(from: snapshot, department: narrowed)
        Console.out(json ? GoalsPresenter.json(tree).render() : GoalsPresenter.text(tree))
    }
}
