import ArgumentParser
import SyncModel

/// `put COLLECTION [ID] FIELD=VALUE…`: creates a row and prints only its new id, or updates an
/// existing row. The first argument after the collection is an id when it has no `=`; an id that
/// names no row is an error (a typo must not create a stray row); `--new-id` creates with a chosen id.
/// Creating takes at least one FIELD=VALUE: no empty rows.
struct Put: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a row (prints its new id) or update one.",
        discussion: """
        Create (prints the new id):  plansync put projects name="春季推广" end=2027-04-30
        Update row ID:               plansync put projects ID end=2027-04-20

        Values are parsed by the field's type: dates YYYY-MM-DD, enum members, refs as
        row ids; an empty value (field=) clears a field. Counters change with inc, sets
        with add and remove.
        """
    )

    @OptionGroup var replica: ReplicaOptions

    @Argument(help: "The collection, e.g. projects.")
    var collection: String

    @Argument(help: ArgumentHelp("An existing row's id to update it (optional), then FIELD=VALUE pairs.", valueName: "id-and-fields"))
    var arguments: [String] = []

    @Option(name: .customLong("new-id"), help: ArgumentHelp("Create the row with this id instead of a new UUID.", valueName: "id"))
    var newID: String?

    func run() throws {
        let schema = ReplicaAccess.schema
        let target = try SchemaLookup(schema: schema).collection(collection)
        var assignments = arguments
        var id: String?
        if let first = assignments.first, !Assignments.isAssignment(first) {
            id = first
            assignments.removeFirst()
        }
        if id != nil, newID != nil { throw CLIError.user("give either an id to update or --new-id to create, not both") }
        if let newID { try Schema.validateRowID(newID) }
        let values = try Assignments.parse(assignments, in: target, schema: schema)
        // DESIGN.md's surface is `put COLLECTION [ID] FIELD=VALUE…`: a row made of no fields is
        // a slip (a script's empty variable), not a request, with or without --new-id.
        if id == nil, values.isEmpty {
            throw CLIError.user("at least one FIELD=VALUE is needed to create a row in \(target.name)")
        }
        let store = try ReplicaAccess.open(replica)
        guard let id else {
            Console.out(try store.create(target.name, id: newID, fields: values))
            return
        }
        guard !values.isEmpty else { throw CLIError.user("nothing to change: give FIELD=VALUE pairs after the id") }
        guard try store.row(target.name, id: id) != nil else {
            throw CLIError.user("\(target.name) has no row \(TextCell.oneLine(String(id.prefix(80)))); leave the id out to create a row")
        }
        try store.update(target.name, id: id, fields: values)
    }
}
