import ArgumentParser
import SyncModel
import SyncStore

/// `conflicts history [--json]`: settled conflicts, with the values that were discarded and the op
/// that settled them. Nothing anyone wrote is lost: it is here.
struct ConflictsHistory: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Show settled conflicts and the values they discarded.")

    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "Print a JSON array of {id, kind, collection, row, field, kept, discarded:[…], replaced:[…], resolved_by, resolved_at}.")
    var json = false

    func run() throws {
        let history = try ReplicaAccess.open(replica).conflictHistory()
        if json {
            Console.out(JSON.array(history.map(Self.json)).render())
        } else if history.isEmpty {
            Console.out("no settled conflicts yet")
        } else {
            var table = Table(headers: ["ID", "ROW", "FIELD", "KEPT", "DISCARDED", "SETTLED BY", "AT"])
            table.maxCellWidth = 50
            for entry in history {
                let discarded = Self.discarded(entry).map { "\(FieldText.display($0.value, field: entry.field)) by \(ConflictPresenter.author($0))" }
                table.append([entry.id, "\(entry.collection) \(entry.row)", entry.field, FieldText.display(entry.kept, field: entry.field),
                              discarded.joined(separator: "; "), entry.resolvedBy.description, TimeText.utc(entry.resolvedAt)])
            }
            Console.out(table.render())
        }
    }

    /// The values that lost: every value the settling op replaced, except those equal to what was kept.
    static func discarded(_ entry: ResolvedConflict) -> [ConflictValue] {
        entry.discarded.filter { $0.value != entry.kept }
    }

    /// `{id, kind, collection, row, field, kept, discarded, replaced, resolved_by, resolved_at, resolved_time}`;
    /// `replaced` lists every value the settling op replaced, `discarded` those that differ from `kept`.
    static func json(_ entry: ResolvedConflict) -> JSON {
        .object([
            "id": .string(entry.id),
            "kind": .string(entry.kind.rawValue),
            "collection": .string(entry.collection),
            "row": .string(entry.row),
            "field": .string(entry.field),
            "kept": JSON(entry.kept),
            "discarded": .array(Self.discarded(entry).map(ConflictPresenter.json)),
            "replaced": .array(entry.discarded.map(ConflictPresenter.json)),
            "resolved_by": .string(entry.resolvedBy.description),
            "resolved_at": .string(entry.resolvedAt.description),
            "resolved_time": .string(TimeText.utc(entry.resolvedAt)),
        ])
    }
}
