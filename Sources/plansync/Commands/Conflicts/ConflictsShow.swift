import ArgumentParser
import SyncStore

/// `conflicts show ID [--json]`: one open conflict, its values numbered from 1 with who wrote each and when.
struct ConflictsShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one conflict's values and who wrote them.")

    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The conflict id (or a unique prefix).")
    var id: String
    @Flag(help: "Print the conflict as one JSON object, as in conflicts list --json.")
    var json = false

    func run() throws {
        let conflict = try OpenConflict.find(id, in: ReplicaAccess.open(replica))
        Console.out(json ? ConflictPresenter.json(conflict).render() : ConflictPresenter.text(conflict))
    }
}
