import ArgumentParser
import SyncModel
import SyncStore

/// `conflicts resolve ID (--pick N | --value V)`: writes one op that replaces every value of the
/// conflict; the discarded values go to the history. Sync to share the decision.
struct ConflictsResolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Settle a conflict by keeping one value or writing a new one.",
        discussion: "For a row edited after it was deleted: --pick 1 keeps it deleted, --pick 2 restores it."
    )

    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The conflict id (or a unique prefix).")
    var id: String
    @Option(help: ArgumentHelp("Keep value N as numbered by conflicts show.", valueName: "n"))
    var pick: Int?
    @Option(help: ArgumentHelp("Write this value instead, parsed like put's FIELD=VALUE.", valueName: "value"))
    var value: String?

    func validate() throws {
        guard (pick == nil) != (value == nil) else { throw ArgumentParser.ValidationError("give exactly one of --pick N or --value V") }
    }

    func run() throws {
        let store = try ReplicaAccess.open(replica)
        let conflict = try OpenConflict.find(id, in: store)
        let resolution: Resolution
        if let pick {
            guard (1...conflict.values.count).contains(pick) else { throw StoreError.badPick(pick, count: conflict.values.count) }
            resolution = .pick(pick)
        } else {
            resolution = .value(try ReplicaAccess.schema.parse(value ?? "", for: conflict.field, in: conflict.collection))
        }
        try store.resolve(conflict: conflict.id, with: resolution)
        let kept: String
        switch resolution {
        case .pick(let n): kept = FieldText.display(conflict.values[n - 1].value, field: conflict.field)
        case .value(let v): kept = FieldText.display(v, field: conflict.field)
        }
        Console.out("resolved \(conflict.id): \(conflict.collection) \(conflict.row) \(conflict.field) = \(TextCell.oneLine(kept)); sync to share it")
    }
}
