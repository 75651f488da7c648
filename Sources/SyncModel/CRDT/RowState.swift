/// The merge state of one row: its fields, its liveness register `_deleted`, and its `row_vv`.
///
/// Delete wins, but never silently (DESIGN.md): a row whose `_deleted` winner is true while `row_vv`
/// has a seq above the winner's `context` was edited by someone who had not seen the delete; that
/// is an `edit_on_deleted` conflict, a function of this state alone.
public struct RowState: Hashable, Sendable {
    /// Field name → state, for fields that have had at least one op.
    public var fields: [String: FieldState]
    /// The `_deleted` register; its siblings carry contexts.
    public var deleted: MultiValueRegister
    /// node → highest seq of that node's ops on this row's fields, `_deleted` left out.
    public var vv: VersionVector

    public init(fields: [String: FieldState] = [:], deleted: MultiValueRegister = MultiValueRegister(), vv: VersionVector = VersionVector()) {
        self.fields = fields
        self.deleted = deleted
        self.vv = vv
    }

    /// Whether the `_deleted` winner is true.
    public var isDeleted: Bool { deleted.value == .bool(true) }

    /// Applies an op already matched to its field's family. Returns the register siblings it dropped.
    @discardableResult
    public mutating func apply(_ op: Op, family: CRDTFamily) -> [Sibling] {
        if op.field == Op.deletedField {
            return deleted.apply(op)
        }
        vv.observe(op.dot)
        var state = fields[op.field] ?? FieldState(empty: family)
        let dropped = state.apply(op)
        fields[op.field] = state
        return dropped
    }

    /// The latest edit of each node that the `_deleted` winner's context had not seen; empty unless
    /// the row is deleted. Non-empty means an open `edit_on_deleted` conflict.
    public var editsAfterDelete: [Dot] {
        guard isDeleted, let winner = deleted.winner else { return [] }
        let context = winner.context ?? VersionVector()
        return vv.sorted.filter { $0.seq > context[$0.node] }.map { Dot(node: $0.node, seq: $0.seq) }
    }
}
