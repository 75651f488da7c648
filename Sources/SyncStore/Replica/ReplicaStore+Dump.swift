import GRDB

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
