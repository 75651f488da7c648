/// One counter field of one row: what the daemon keeps a log total for (``OpLogIndex/counterTotal(_:)``).
///
/// The row id is keyed by its UTF-8 bytes (``ExactText``), as everywhere that must converge;
/// collection and field are schema names (ASCII).
/// ```swift
/// let key = CounterKey(collection: "projects", row: "p-launch", field: "budget_spent")
/// CounterKey(op)   // the key of an `inc` op, nil for other kinds
/// ```
public struct CounterKey: Hashable, Sendable, CustomStringConvertible {
    public var collection: String
    public var row: ExactText
    public var field: String

    public init(collection: String, row: String, field: String) {
        self.collection = collection
        self.row = ExactText(row)
        self.field = field
    }

    /// The counter an `inc` op changes; nil for any other kind.
    public init?(_ op: Op) {
        guard op.kind == .inc else { return nil }
        self.init(collection: op.collection, row: op.row, field: op.field)
    }

    public var description: String { "\(collection).\(field) of \(row.string)" }
}
