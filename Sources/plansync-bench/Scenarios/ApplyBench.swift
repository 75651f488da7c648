import Foundation
import GRDB
import Planning
import SyncModel
import SyncStore

/// Scenario `apply`: remote ops applied to a fresh replica file in batches, against the same values
/// written by prepared-statement upserts into a bare SQLite table with the same columns, same
/// journal mode and synchronous level, same batch size.
enum ApplyBench {
    struct Result: Encodable {
        var ops: Int
        var batch: Int
        var ops_per_s: Double
        var sqlite_ops_per_s: Double
        var ratio: Double
    }

    static func run(rows: Int, batch: Int, scratch: Scratch) throws -> Result {
        var workload = Workload()
        let ops = workload.projects(rows)
        let replicaRate = try applyToReplica(ops, batch: batch, path: scratch.file("apply.sqlite"))
        let sqliteRate = try upsertBare(ops, batch: batch, path: scratch.file("bare.sqlite"))
        return Result(ops: ops.count, batch: batch, ops_per_s: replicaRate, sqlite_ops_per_s: sqliteRate, ratio: sqliteRate / replicaRate)
    }

    /// Applies `ops` to a new replica at `path` in batches, each told how many ops follow it, as a
    /// new laptop's pull tells its replica (`SyncRun.catchUpFollowing`); returns ops per second.
    static func applyToReplica(_ ops: [Op], batch: Int, path: String) throws -> Double {
        let store = try ReplicaStore.create(at: path, identity: ReplicaIdentity(node: "bench-local", department: "planning"),
                                            schema: PlanningSchema.schema)
        return try timeBatches(ops, batch: batch) { chunk in
            try store.applyRemote(Array(chunk), cursor: chunk.last?.log ?? 0, following: UInt64(ops.count - chunk.endIndex))
        }
    }

    /// Runs `body` on consecutive batches of `ops`; returns ops per second.
    static func timeBatches(_ ops: [Op], batch: Int, _ body: (ArraySlice<Op>) throws -> Void) throws -> Double {
        let start = now()
        var i = 0
        while i < ops.count {
            let end = min(i + batch, ops.count)
            try body(ops[i..<end])
            i = end
        }
        return Double(ops.count) / (now() - start)
    }

    /// The baseline: one upsert per op into a plain `projects` table, `batch` ops per transaction.
    static func upsertBare(_ ops: [Op], batch: Int, path: String) throws -> Double {
        let pool = try DatabasePool(path: path)
        // After the pool opened: GRDB sets its writer to NORMAL when it enables WAL.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(BenchSettings.synchronous)") }
        let columns = ["_deleted"] + Workload.registerFields.map(\.name) + ["budget_spent", "channels"]
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE projects (id TEXT PRIMARY KEY, " + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ")")
        }
        return try timeBatches(ops, batch: batch) { chunk in
            try pool.write { db in
                for op in chunk {
                    let column = "\"\(op.field)\""
                    let update = op.kind == .inc ? "\(column) = coalesce(\(column), 0) + excluded.\(column)" : "\(column) = excluded.\(column)"
                    let statement = try db.cachedStatement(sql: "INSERT INTO projects (id, \(column)) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET \(update)")
                    try statement.execute(arguments: [op.row, BenchSettings.databaseValue(op)])
                }
            }
        }
    }
}

/// Settings shared by the scenarios so that comparisons are like for like.
enum BenchSettings {
    /// The synchronous level a replica applies remote batches at (compared like for like in the
    /// baseline): NORMAL, since the daemon holds those ops durably (local writes are FULL).
    static let synchronous = "NORMAL"

    /// The column value an op leaves in a plain table.
    static func databaseValue(_ op: Op) -> DatabaseValue {
        switch op.kind {
        case .inc: return (op.delta ?? 0).databaseValue
        case .add: return "[\"\(op.element ?? "")\"]".databaseValue
        case .remove: return "[]".databaseValue
        case .set:
            switch op.value ?? .null {
            case .null: return .null
            case .bool(let b): return b.databaseValue
            case .integer(let i): return i.databaseValue
            case .real(let d): return d.databaseValue
            case .text(let s): return s.databaseValue
            }
        }
    }
}
