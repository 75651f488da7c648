import ArgumentParser
import PlanningViews

/// `review PROJECT [--json]`: the project's retrospective digest and its recent changes.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "review", abstract: "Digest a project's retrospective: what went well, problems, lessons, improvements, changes.")

    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The project (id or name).")
    var project: String
    @Flag(help: "Print JSON: {project, retrospectives, problems, improvements, recent_changes}.")
    var json = false

    func run() throws {
        let store = try ReplicaAccess.open(replica)
        let snapshot = try PlanningSnapshot.load(from: store)
        let row = try ViewLookup.project(project, in: snapshot)
        let review = Review.of(row, in: snapshot, recentOps: try store.recentOps(limit: 10_000))
        Console.out(json ? ReviewPresenter.json(review).render() : ReviewPresenter.text(review))
    }
}
