import GRDB
import SyncModel

/// A department that loses read access to a collection drops that collection's rows at its next
/// sync (issue 13, docs/user-guide.md): the daemon sends nothing more of it, and what the file
/// received before would otherwise stay on the laptop, stale, for good. Dropped: the readable
/// table's rows, their merge state (siblings, counters, set tags, `row_vv`), the conflict history
/// of the collection and its ops in the op record. Kept: applied marks (the dots stay known, so
/// nothing is applied twice) and unsent ops (never lost silently: the rules now forbid them, so
/// `sync` reports them and `plansync outbox discard --refused` drops them).
enum HiddenCollections {
    /// In the caller's transaction, drops what the file holds of each collection `department` may
    /// not read under `rules`; returns the names of the collections that held something.
    static func drop(_ db: Database, layout: TableLayout, department: String, rules: AccessRules) throws -> [String] {
        var dropped: [String] = []
        for collection in layout.ordered where !rules.mayRead(department, collection.name) {
            try db.execute(sql: "DELETE FROM \(collection.table)")
            var held = db.changesCount
            for table in ["ps_registers", "ps_counters", "ps_set_fields", "ps_set_tags", "ps_row_vv", "ps_conflict_history"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE collection = ?", arguments: [collection.name])
                held += db.changesCount
            }
            guard held > 0 else { continue }
            try OpRecord.drop(db, collection: collection.name)
            dropped.append(collection.name)
        }
        return dropped
    }
}
