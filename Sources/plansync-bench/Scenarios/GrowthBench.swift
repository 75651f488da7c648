import Foundation
import Planning
import SyncModel
import SyncStore

/// Scenario `growth`: apply speed when the replica already holds many ops. Fills a replica to each
/// size in turn, then times a fixed probe of new ops; the cost per op should stay flat.
enum GrowthBench {
    struct Point: Encodable {
        var ops: Int
        var ops_per_s: Double
    }

    static func run(sizes: [Int], probeRows: Int, batch: Int, scratch: Scratch) throws -> [Point] {
        let store = try ReplicaStore.create(at: scratch.file("growth.sqlite"), identity: ReplicaIdentity(node: "bench-local", department: "planning"),
                                            schema: PlanningSchema.schema)
        var workload = Workload()
        var held = 0
        var rowsMade = 0
        var points: [Point] = []
        for size in sizes {
            let fillRows = max(0, (size - held) / Workload.opsPerRow)
            var fill: [Op] = []
            fill.reserveCapacity(fillRows * Workload.opsPerRow)
            for i in 0..<fillRows { fill += workload.project(rowsMade + i) }
            rowsMade += fillRows
            _ = try ApplyBench.timeBatches(fill, batch: batch) { try store.applyRemote(Array($0), cursor: $0.last?.log ?? 0) }
            held += fill.count
            var probe: [Op] = []
            for i in 0..<probeRows { probe += workload.project(rowsMade + i) }
            rowsMade += probeRows
            let rate = try ApplyBench.timeBatches(probe, batch: batch) { try store.applyRemote(Array($0), cursor: $0.last?.log ?? 0) }
            points.append(Point(ops: held, ops_per_s: rate))
            held += probe.count
        }
        return points
    }
}
