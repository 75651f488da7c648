import ArgumentParser

/// `inc COLLECTION ID FIELD DELTA`: adds DELTA (may be negative) to a counter, e.g. money spent in
/// minor units. Concurrent increments from several departments add up.
struct Inc: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add to a counter field (negative to subtract).",
        discussion: "plansync inc projects ID budget_spent 5000000\nplansync inc projects ID budget_spent -200000"
    )

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var row: RowArguments

    @Argument(help: "A counter field, e.g. budget_spent.")
    var field: String

    /// Captured unparsed so that a negative number is not taken for an option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("A whole number, negative to subtract.", valueName: "delta"))
    var delta: [String] = []

    /// The delta's words, without a `--` that ends the options (`inc … budget_spent -- -5`).
    private var deltaWords: [String] { delta.first == "--" ? Array(delta.dropFirst()) : delta }

    func validate() throws {
        let words = deltaWords
        guard words.count == 1 else { throw ArgumentParser.ValidationError(words.isEmpty ? "Missing expected argument '<delta>'" : "give one DELTA, got \(words.count) values") }
    }

    func run() throws {
        let target = try row.collectionSchema(in: ReplicaAccess.schema)
        let counter = try SchemaLookup(schema: ReplicaAccess.schema).field(field, in: target, family: .counter, for: "inc")
        let amount = try CounterDelta.parse(deltaWords[0], path: "\(target.name).\(counter.name)")
        try ReplicaAccess.open(replica).increment(target.name, id: row.id, field: counter.name, by: amount)
    }
}
