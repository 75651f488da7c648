import Foundation
import Planning
import SyncModel
import SyncStore

/// Scenario `local_write`: single-field edits, each its own transaction as the CLI does
/// (validation, op, shown value, metadata and outbox committed together).
enum LocalWriteBench {
    struct Result: Encodable {
        var edits: Int
        var ops_per_s: Double
        var p50_ms: Double
        var p99_ms: Double
    }

    static func run(edits: Int, scratch: Scratch) throws -> Result {
        let store = try ReplicaStore.create(at: scratch.file("local.sqlite"), identity: ReplicaIdentity(node: "bench-local", department: "planning"),
                                            schema: PlanningSchema.schema)
        let rows = try (0..<100).map { i in
            try store.create("tasks", fields: ["title": .text("任务 \(i)"), "status": .text("todo")])
        }
        let statuses = ["todo", "doing", "blocked", "done"]
        var latencies: [Double] = []
        latencies.reserveCapacity(edits)
        let start = now()
        for i in 0..<edits {
            let t0 = now()
            try store.update("tasks", id: rows[i % rows.count], fields: ["status": .text(statuses[i % statuses.count])])
            latencies.append((now() - t0) * 1000)
        }
        let elapsed = now() - start
        return Result(edits: edits, ops_per_s: Double(edits) / elapsed, p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99))
    }
}
