import GRDB
import SyncModel

/// What a transaction changed in the readable tables and in `row_vv`, written once per row when
/// the transaction finishes instead of once per op: a row created with four fields costs one
/// upsert, not four. Reads of `row_vv` during the transaction merge these pending entries.
struct PendingRows {
    private struct Entry {
        var columns: [Int: DatabaseValue] = [:]
        var vv: [String: UInt64] = [:]
    }

    private var rows: [RowKey: Entry] = [:]
    /// Rows in first-touched order, so the writes are deterministic.
    private var order: [RowKey] = []

    /// Records the shown value of column `index` of the row.
    mutating func show(_ key: RowKey, column index: Int, _ value: DatabaseValue) {
        if rows[key] == nil { order.append(key) }
        rows[key, default: Entry()].columns[index] = value
    }

    /// Raises the row's `row_vv` entry for the dot's node (``SyncModel/VersionVector/observe(_:)``).
    mutating func observe(_ key: RowKey, _ dot: Dot) {
        if rows[key] == nil { order.append(key) }
        if dot.seq > rows[key, default: Entry()].vv[dot.node] ?? 0 { rows[key, default: Entry()].vv[dot.node] = dot.seq }
    }

    /// The row's `row_vv` as stored, merged with the pending entries.
    func rowVV(_ key: RowKey, stored: VersionVector) -> VersionVector {
        var vv = stored
        for (node, seq) in rows[key]?.vv ?? [:] { vv.observe(Dot(node: node, seq: seq)) }
        return vv
    }

    /// Writes every pending row and forgets them.
    mutating func flush(_ db: Database, layout: TableLayout) throws {
        var vvStatement: RawStatement?
        var upserts: [String: [[Int]: RawStatement]] = [:]
        for key in order {
            guard let entry = rows[key] else { continue }
            if !entry.columns.isEmpty {
                guard let table = layout.collections[key.collection] else { throw StoreError.corrupt("no table for \(key.collection)") }
                let columns = entry.columns.keys.sorted()
                let upsert: RawStatement
                if let known = upserts[key.collection]?[columns] {
                    upsert = known
                } else {
                    upsert = try RawStatement(db, table.upsertSQL(columns: columns))
                    upserts[key.collection, default: [:]][columns] = upsert
                }
                try upsert.bind(1, key.row)
                for (i, c) in columns.enumerated() { try upsert.bind(Int32(i + 2), entry.columns[c] ?? .null) }
                try upsert.run()
            }
            for (node, seq) in entry.vv.sorted(by: { $0.key < $1.key }) {
                let statement = try FieldWriter.fetch(&vvStatement, db, """
                    INSERT INTO ps_row_vv (collection, row_id, node, seq) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET seq = max(seq, excluded.seq)
                    """)
                try statement.bind(1, key.collection)
                try statement.bind(2, key.row)
                try statement.bind(3, node)
                try statement.bind(4, seq: seq)
                try statement.run()
            }
        }
        rows = [:]
        order = []
    }
}
