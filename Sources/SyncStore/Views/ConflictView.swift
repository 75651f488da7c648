import SyncModel

/// One of the values of an open conflict, numbered for `conflicts resolve ID --pick N`.
public struct ConflictValue: Hashable, Sendable {
    /// 1-based position; the winner (shown value) is 1.
    public let n: Int
    /// The value; for `edit_on_deleted`, true = keep deleted, false = restore.
    public let value: Value
    /// The node that wrote it.
    public let node: String
    /// The writer's department, nil when unknown (pruned history).
    public let department: String?
    /// When it was written (the HLC of its op; zero when no longer known).
    public let hlc: HLCTimestamp
    /// The op that wrote it.
    public let dot: Dot
}

/// An open conflict as shown to a person (see ``SyncModel/Conflict``).
///
/// For `edit_on_deleted`, value 1 is `true` ("keep deleted", the delete's writer) and value 2 is
/// `false` ("restore", the latest unseen edit): picking 1 deletes again with a context covering the
/// edits, picking 2 restores the row.
public struct ConflictView: Hashable, Sendable {
    /// 12 hex digits, the same on every replica holding the same ops.
    public let id: String
    /// `register` or `edit_on_deleted`.
    public let kind: Conflict.Kind
    /// The row's collection.
    public let collection: String
    /// The row id.
    public let row: String
    /// The field in conflict, `_deleted` for `edit_on_deleted`.
    public let field: String
    /// The values to pick from, winner first, numbered from 1.
    public let values: [ConflictValue]
    /// `edit_on_deleted`: the unseen edits, latest seq per node; empty otherwise.
    public let edits: [Dot]
    /// Whether the row is deleted now. A register conflict on one of its fields is settled only
    /// after the row is restored: the store refuses edits of a deleted row.
    public let rowDeleted: Bool
}

/// How a person settles a conflict.
public enum Resolution: Hashable, Sendable {
    /// Keep value `n` as listed (1-based).
    case pick(Int)
    /// Write a new value (it must fit the field).
    case value(Value)
}

/// A closed conflict from the history: what was discarded, what was kept, and which op did it.
public struct ResolvedConflict: Hashable, Sendable {
    /// The id the conflict had while it was open.
    public let id: String
    /// `register` or `edit_on_deleted`.
    public let kind: Conflict.Kind
    /// The row's collection.
    public let collection: String
    /// The row id.
    public let row: String
    /// The field, `_deleted` for `edit_on_deleted`.
    public let field: String
    /// The values the resolving op dropped, in display order.
    public let discarded: [ConflictValue]
    /// The shown value after the resolving op.
    public let kept: Value
    /// The op that closed the conflict.
    public let resolvedBy: Dot
    /// That op's HLC.
    public let resolvedAt: HLCTimestamp
    /// Wall-clock milliseconds when this replica applied it (local, not part of the state).
    public let recordedAtMilliseconds: UInt64
}
