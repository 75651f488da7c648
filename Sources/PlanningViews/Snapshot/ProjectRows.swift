import SyncModel
import Planning
import SyncStore

/// The rows that belong to a project: the project row and every row, deleted ones included,
/// whose `project` field names it (tasks, problems, risks, reports, meetings, …).
extension PlanningSnapshot {
    /// Collections with a `project` reference, in schema order.
    static let projectCollections: [String] = PlanningSchema.schema.collections.compactMap { collection in
        if case .ref("projects")? = collection.field("project")?.kind { return collection.name }
        return nil
    }

    /// (collection, id) of every row of the project, the project itself first.
    public func rowsOf(project id: String) -> [(collection: String, id: String)] {
        var out = [(collection: "projects", id: id)]
        for collection in Self.projectCollections {
            out += (rows[collection] ?? []).filter { $0.has("project", id) }.map { (collection: collection, id: $0.id) }
        }
        return out
    }

    /// Open conflicts on the project's rows, in `conflicts list` order.
    public func conflicts(ofProject id: String) -> [ConflictView] {
        let keys = Set(rowsOf(project: id).map { ExactText($0.collection + "\u{0}" + $0.id) })
        return conflicts.filter { keys.contains(ExactText($0.collection + "\u{0}" + $0.row)) }
    }
}

/// Ranks of the `low`/`medium`/`high` enum (severity, priority, likelihood, impact): 3, 2, 1, and
/// 0 when unset.
public enum Rank {
    /// 3 for high, 2 medium, 1 low, 0 unset or other.
    public static func of(_ level: String?) -> Int {
        switch level {
        case "high"?: return 3
        case "medium"?: return 2
        case "low"?: return 1
        default: return 0
        }
    }
}
