import GRDB
import SyncModel

extension ReplicaStore {
    /// Every table's rows as text, tables by name, rows in key order: a content fingerprint of the
    /// file that ignores page layout and the WAL (used to check that a refused write changed nothing).
    func contentDump() throws -> String {
        try read { db in
            var out = ""
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            for table in tables {
                let quoted = TableLayout.quote(table)
                let keys = try db.primaryKey(table).columns.map(TableLayout.quote).joined(separator: ", ")
                out += "# \(table)\n"
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(quoted) ORDER BY \(keys.isEmpty ? "rowid" : keys)") {
                    out += row.description + "\n"
                }
            }
            return out
        }
    }
}

extension ReplicaStore {
    /// The readable table's columns of one row as stored (NULL, INTEGER, REAL, TEXT), `_deleted`
    /// included; nil when the table has no such row.
    func shownColumns(_ collection: String, id: String) throws -> [String: Value]? {
        let table = try layout.collection(collection)
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM \(table.table) WHERE id = ?", arguments: [id]) else { return nil }
            var out: [String: Value] = [:]
            for (column, value) in row where column != "id" {
                switch value.storage {
                case .null: out[column] = .null
                case .int64(let i): out[column] = .integer(i)
                case .double(let d): out[column] = .real(d)
                case .string(let s): out[column] = .text(s)
                case .blob: out[column] = .text("<blob>")
                }
            }
            return out
        }
    }
}

extension ReplicaStore {
    /// The text of `PRAGMA name` (for example `journal_mode`).
    func pragma(_ name: String) throws -> String? {
        guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { return nil }
        return try read { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }
}
