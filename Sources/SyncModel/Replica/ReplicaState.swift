/// An in-memory replica: the reference implementation of the merge rules that the SQLite store is
/// checked against, and the state that the canonical form and the state hash are computed from.
///
/// ```swift
/// var replica = ReplicaState(schema: planningSchema)
/// try replica.apply(op)               // idempotent by dot
/// replica.openConflicts()             // [Conflict]
/// replica.canonicalForm()             // feed to SHA-256 for the state hash
/// ```
public struct ReplicaState: Sendable, Equatable {
    public let schema: Schema
    /// collection → row id → row. Row ids are keyed by their UTF-8 bytes: `"\u{212B}"` (ANGSTROM
    /// SIGN) and `"\u{00C5}"` are two rows.
    public private(set) var rows: [String: [ExactText: RowState]]
    /// Applied-dot high-water marks: node → highest seq applied. Ops of one node arrive in seq order
    /// (causal delivery), so `seq ≤ applied[node]` means already applied.
    public private(set) var applied: VersionVector

    public init(schema: Schema, rows: [String: [ExactText: RowState]] = [:], applied: VersionVector = VersionVector()) {
        self.schema = schema
        self.rows = rows
        self.applied = applied
    }

    /// What applying one op did.
    public enum Outcome: Equatable, Sendable {
        /// The dot was already applied; nothing changed.
        case skipped
        /// Applied; the register siblings it dropped (conflict history material).
        case applied(dropped: [Sibling])
    }

    /// Applies one op, validated against the schema first. Skips a dot already applied.
    @discardableResult
    public mutating func apply(_ op: Op) throws(ValidationError) -> Outcome {
        if applied.contains(op.dot) { return .skipped }
        try schema.validate(op)
        guard let family = schema.collection(op.collection)?.field(op.field)?.kind.crdt else {
            throw ValidationError("\(op.collection).\(op.field): not in the schema")
        }
        applied.observe(op.dot)
        let dropped = rows[op.collection, default: [:]][ExactText(op.row), default: RowState()].apply(op, family: family)
        return .applied(dropped: dropped)
    }

    /// The row, nil if no op has touched it.
    public func row(_ collection: String, _ id: String) -> RowState? { rows[collection]?[ExactText(id)] }

    /// Every open conflict, by collection, row id, then field (byte order).
    public func openConflicts() -> [Conflict] {
        var out: [Conflict] = []
        for (c, table) in ReplicaState.sorted(rows) {
            for (id, row) in ReplicaState.sorted(table) {
                out += Conflict.of(row: row, id: id.string, collection: c)
            }
        }
        return out
    }

    /// The canonical text of the visible state (see ``CanonicalState``).
    public func canonicalForm() -> String { canonicalForm(including: { _ in true }) }

    /// The canonical text of the collections `including` admits: a department's scope
    /// (``AccessRules/mayRead(_:_:)``), so its laptop and the daemon hash the same text.
    public func canonicalForm(including: (String) -> Bool) -> String {
        var writer = CanonicalState()
        for (c, table) in ReplicaState.sorted(rows) where including(c) {
            for (id, row) in ReplicaState.sorted(table) {
                writer.append(collection: c, id: id.string, row: row)
            }
        }
        return writer.text
    }

    /// Dictionary entries in byte order of their keys (the canonical order).
    static func sorted<V>(_ d: [String: V]) -> [(key: String, value: V)] {
        d.sorted { ExactText.less($0.key, $1.key) }
    }

    /// Dictionary entries in byte order of their keys (the canonical order).
    static func sorted<V>(_ d: [ExactText: V]) -> [(key: ExactText, value: V)] {
        d.sorted { $0.key < $1.key }
    }
}
