import ArgumentParser
import PlanningViews
import SyncModel
import SyncStore

/// `list COLLECTION [--where FIELD=VALUE]… [--deleted] [--json]`: the live rows of a collection.
///
/// A `--where` on a register matches its shown value; on a set, rows holding the element; on a
/// counter, rows whose sum equals the number. Several `--where` must all match.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the rows of a collection.")

    @OptionGroup var replica: ReplicaOptions

    @Argument(help: "The collection, e.g. projects.")
    var collection: String

    @Option(name: .customLong("where"), help: ArgumentHelp("Keep rows whose FIELD shows VALUE (repeatable).", valueName: "field=value"))
    var filters: [String] = []

    @Flag(help: "Include deleted rows.")
    var deleted = false

    @Flag(help: "Print a JSON array of rows, each as get --json prints it (with refs).")
    var json = false

    func run() throws {
        let schema = ReplicaAccess.schema
        let target = try SchemaLookup(schema: schema).collection(collection)
        let filter = try RowFilter(filters, in: target, schema: schema)
        let store = try ReplicaAccess.open(replica)
        let rows = try store.rows(target.name, where: filter.registers, includeDeleted: deleted).filter(filter.matches)
        var seen: [ExactText: RowView?] = [:]   // each referenced row read once
        let refs = try rows.map { row in
            try Reference.all(of: row, schema: target) { collection, id in
                let key = ExactText(collection + "\u{0}" + id)
                if let known = seen[key] { return known }
                let found = try store.row(collection, id: id)
                seen[key] = found
                return found
            }
        }
        if json {
            Console.out(JSON.array(zip(rows, refs).map { RowPresenter.json($0, refs: $1) }).render())
        } else if rows.isEmpty {
            Console.out("no rows in \(target.name)" + (filters.isEmpty ? "" : " match"))
        } else {
            Console.out(RowPresenter.table(rows, schema: target, showDeleted: deleted, refs: refs))
        }
    }
}
