import Planning
import SyncModel
import SyncStore

/// Everything the views read, taken from one replica: every row of every planning collection
/// (deleted ones included, so that a reference to one reads as deleted, not missing) and the open
/// conflicts. Views are pure functions of a snapshot and a day.
public struct PlanningSnapshot: Sendable {
    /// Rows per collection, in id byte order, deleted ones included.
    public let rows: [String: [RowView]]
    /// Every open conflict, as `conflicts list` shows them.
    public let conflicts: [ConflictView]
    private let index: [String: [ExactText: RowView]]

    /// A snapshot of the given rows and conflicts (tests build them from real replicas too).
    public init(rows: [String: [RowView]], conflicts: [ConflictView]) {
        self.rows = rows
        self.conflicts = conflicts
        var index: [String: [ExactText: RowView]] = [:]
        for (collection, list) in rows {
            index[collection] = Dictionary(list.map { (ExactText($0.id), $0) }, uniquingKeysWith: { first, _ in first })
        }
        self.index = index
    }

    /// Reads every collection of the planning schema and the open conflicts from `store`.
    public static func load(from store: ReplicaStore) throws -> PlanningSnapshot {
        var rows: [String: [RowView]] = [:]
        for collection in PlanningSchema.schema.collections {
            rows[collection.name] = try store.rows(collection.name, includeDeleted: true)
        }
        return PlanningSnapshot(rows: rows, conflicts: try store.openConflicts())
    }

    /// The live rows of `collection`, in id byte order.
    public func live(_ collection: String) -> [RowView] {
        (rows[collection] ?? []).filter { !$0.deleted }
    }

    /// The row `id` of `collection`, deleted or not; nil when the replica has none.
    public func row(_ collection: String, _ id: String) -> RowView? {
        index[collection]?[ExactText(id)]
    }

    /// Live rows of `collection` whose ref `field` names `id`.
    public func live(_ collection: String, where field: String, is id: String) -> [RowView] {
        live(collection).filter { $0.has(field, id) }
    }

    /// `collection.field` resolved for `row`: nil when the field is unset.
    public func reference(_ row: RowView, _ field: String) -> Reference? {
        guard let id = row.text(field), let target = PlanningSchema.schema.collection(row.collection)?.field(field),
              case .ref(let collection) = target.kind else { return nil }
        return Reference.resolve(collection: collection, id: id, target: self.row(collection, id))
    }
}
