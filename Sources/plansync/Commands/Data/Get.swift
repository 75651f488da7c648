import ArgumentParser
import PlanningViews

/// `get COLLECTION ID [--json]`: one row with its fields, open conflicts and dangling references;
/// `ref` fields show the referenced row's name beside its id.
struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one row, its conflicts and integrity notices.")

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var row: RowArguments
    @Flag(help: "Print JSON: {\"id\",\"collection\",\"deleted\",\"fields\",\"refs\",\"conflicts\",\"dangling_refs\"}.")
    var json = false

    func run() throws {
        let schema = ReplicaAccess.schema
        let target = try row.collectionSchema(in: schema)
        let store = try ReplicaAccess.open(replica)
        guard let view = try store.row(target.name, id: row.id) else {
            throw CLIError.user("\(target.name) has no row \(TextCell.oneLine(String(row.id.prefix(80))))")
        }
        let refs = try Reference.all(of: view, schema: target) { try store.row($0, id: $1) }
        Console.out(json ? RowPresenter.json(view, refs: refs).render() : RowPresenter.text(view, schema: target, refs: refs))
    }
}
