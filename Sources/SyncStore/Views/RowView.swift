import SyncModel

/// One row as a person sees it: shown values, open conflicts and integrity notices.
public struct RowView: Hashable, Sendable {
    /// The row id.
    public let id: String
    /// The collection the row belongs to.
    public let collection: String
    /// Whether the `_deleted` winner is true.
    public let deleted: Bool
    /// Every declared field (not `_deleted`): unwritten registers are `.value(.null)`, counters 0, sets empty.
    public let fields: [String: FieldValue]
    /// The row's open conflicts, register fields by name, then `edit_on_deleted`.
    public let conflicts: [ConflictView]
    /// Names of `ref` fields whose value names a missing or deleted row, sorted.
    public let danglingRefs: [String]
}
