import ArgumentParser

/// `conflicts list [--json]`: every open conflict of the replica.
struct ConflictsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List open conflicts (the default).")

    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "Print a JSON array of {id, kind, collection, row, field, values:[{n, value, node, department, hlc}]}.")
    var json = false

    func run() throws {
        let conflicts = try ReplicaAccess.open(replica).openConflicts()
        if json {
            Console.out(JSON.array(conflicts.map(ConflictPresenter.json)).render())
        } else if conflicts.isEmpty {
            Console.out("no open conflicts")
        } else {
            Console.out(ConflictPresenter.table(conflicts))
            Console.out("details: plansync conflicts show ID")
        }
    }
}
