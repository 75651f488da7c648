import ArgumentParser
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

    @Flag(help: "Print a JSON array of rows, each as get --json prints it.")
    var json = false

    func run() throws {
        let schema = ReplicaAccess.schema
        let target = try SchemaLookup(schema: schema).collection(collection)
        let filter = try RowFilter(filters, in: target, schema: schema)
        let store = try ReplicaAccess.open(replica)
        let rows = try store.rows(target.name, where: filter.registers, includeDeleted: deleted).filter(filter.matches)
        if json {
            Console.out(JSON.array(rows.map(RowPresenter.json)).render())
        } else if rows.isEmpty {
            Console.out("no rows in \(target.name)" + (filters.isEmpty ? "" : " match"))
        } else {
            Console.out(RowPresenter.table(rows, schema: target, showDeleted: deleted))
        }
    }
}
