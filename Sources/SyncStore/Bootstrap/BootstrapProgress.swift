import GRDB
import SyncModel

/// The row of `ps_bootstrap` in a replica file being built from a snapshot: which snapshot
/// (horizon and version vector), the key of the last record installed, and whether every page
/// is in. It makes a transfer cut off by a lost connection or a crash resume where it stopped.
struct BootstrapProgress: Equatable {
    var horizon: UInt64
    var versionVector: VersionVector
    var after: SnapshotKey?
    var complete: Bool

    /// The row, nil when the file has none; `schema` names an attached file (default: the main one).
    static func read(_ db: Database, schema: String = "main") throws -> BootstrapProgress? {
        guard let row = try Row.fetchOne(db, sql: "SELECT horizon, vv, after_collection, after_row, complete FROM \(schema).ps_bootstrap WHERE id = 1") else { return nil }
        guard let vv = VersionVector(jsonText: try row.decode(String.self, atIndex: 1)) else { throw StoreError.corrupt("ps_bootstrap version vector") }
        let collection = try row.decode(String?.self, atIndex: 2), id = try row.decode(String?.self, atIndex: 3)
        return BootstrapProgress(horizon: UInt64(max(0, try row.decode(Int64.self, atIndex: 0))), versionVector: vv,
                                 after: collection.flatMap { c in id.map { SnapshotKey(collection: c, row: $0) } },
                                 complete: try row.decode(Int64.self, atIndex: 4) != 0)
    }

    func save(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO ps_bootstrap (id, horizon, vv, after_collection, after_row, complete) VALUES (1, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET horizon = excluded.horizon, vv = excluded.vv, after_collection = excluded.after_collection,
                                      after_row = excluded.after_row, complete = excluded.complete
            """, arguments: [Int64(clamping: horizon), versionVector.jsonText, after?.collection, after?.row, complete ? 1 : 0])
    }
}
