import SyncStore

/// An open conflict with the name of the row it is on, for views that list conflicts to settle.
public struct ConflictItem: Sendable {
    /// The conflict as `conflicts list` shows it (id, values numbered from 1, …).
    public let conflict: ConflictView
    /// The conflicted row's name or title, nil when it has none.
    public let rowName: String?

    /// Every conflict of `conflicts` with its row's name from `snapshot`.
    public static func of(_ conflicts: [ConflictView], in snapshot: PlanningSnapshot) -> [ConflictItem] {
        conflicts.map { ConflictItem(conflict: $0, rowName: snapshot.row($0.collection, $0.row).flatMap(RowLabel.of)) }
    }
}
