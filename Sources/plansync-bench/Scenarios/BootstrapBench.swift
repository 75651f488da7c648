import Foundation
import GRDB
import Logging
import Planning
import SyncClient
import SyncModel
import SyncStore

/// Scenario `bootstrap` (issue 14): a daemon log of `rows` projects of `opsPerRow` ops each (made
/// as in `apply`, then renamed until the row has its share: about 100 edits a row in the full run),
/// materialized and copied as it is (`VACUUM INTO`), then compacted whole with `ServerLog.compact`. Reports the
/// file's size before (the copy) and after, and a new replica's time to ready (one `sync` until
/// up to date) from the compacted daemon (snapshot bootstrap) and from the copy (full replay),
/// both in this run, checking that the two replicas end with the same state hash.
enum BootstrapBench {
    struct Result: Encodable {
        var ops: Int
        var rows: Int
        var file_bytes_before: UInt64
        var file_bytes_after: UInt64
        /// after / before: the issue's target is at most 0.2.
        var size_ratio: Double
        var replay_s: Double
        var snapshot_s: Double
        /// replay_s / snapshot_s: the issue's target is at least 10.
        var speedup: Double
        var snapshot_rows: Int
    }

    /// Ops committed per transaction while the history is written.
    static let commitBatch = 5_000

    static func run(rows: Int, opsPerRow: Int, scratch: Scratch) throws -> Result {
        let path = scratch.file("server.sqlite"), copy = scratch.file("replay.sqlite")
        let log = try ServerLog(path: path, schema: PlanningSchema.schema)
        let ops = try writeHistory(log, rows: rows, opsPerRow: opsPerRow)
        // The daemon's own readable tables are brought up to the head first (compact does that
        // too), so the two files differ only by the log and the snapshot.
        try log.materialize()
        try DatabaseQueue(path: path).writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [copy]) }
        let head = try log.head()
        let report = try log.compact(.before(position: head + 1), schema: PlanningSchema.schema)
        let before = fileBytes(copy), after = report.bytesAfter ?? fileBytes(path)
        let replayLog = try ServerLog(path: copy, schema: PlanningSchema.schema)
        let (snapshot, snapshotRows, snapshotHash) = try timeToReady(log, scratch: scratch, name: "by-snapshot", bootstraps: true)
        let (replay, _, replayHash) = try timeToReady(replayLog, scratch: scratch, name: "by-replay", bootstraps: false)
        guard snapshotHash == replayHash else { throw BenchError("bootstrap: the replica made from the snapshot differs from the one made by replay") }
        return Result(ops: ops, rows: rows, file_bytes_before: before, file_bytes_after: after,
                      size_ratio: Double(after) / Double(max(1, before)), replay_s: replay, snapshot_s: snapshot,
                      speedup: replay / max(snapshot, 1e-9), snapshot_rows: snapshotRows)
    }

    /// Projects from ``Workload`` (node `bench-remote`), then renames of each by node
    /// `bench-editor`, each replacing the one before; returns how many ops were committed.
    private static func writeHistory(_ log: ServerLog, rows: Int, opsPerRow: Int) throws -> Int {
        var workload = Workload()
        var made = 0
        var pending: [Op] = []
        func flush(_ node: String) throws {
            var start = 0
            while start < pending.count {
                let batch = pending[start..<min(pending.count, start + commitBatch)].map(\.content)
                let result = try log.commit(batch, pushedBy: node, department: "planning", schema: PlanningSchema.schema,
                                            wallMilliseconds: UInt64(Date().timeIntervalSince1970 * 1000), maxSkewMilliseconds: 300_000)
                guard result.appended.count == batch.count else { throw BenchError("bootstrap: history ops were refused") }
                made += batch.count
                start += commitBatch
            }
            pending.removeAll(keepingCapacity: true)
        }
        var ids: [String] = []
        // Each row's shown description: the first rename replaces the project's own.
        var last: [Dot?] = []
        for i in 0..<rows {
            let project = workload.project(i)
            ids.append(project[0].row)
            last.append(project.first { $0.field == "description" }?.dot)
            pending += project
        }
        try flush(workload.node)
        let editor = "bench-editor"
        var seq: UInt64 = 0
        var hlc = UInt64(Date().timeIntervalSince1970 * 1000) << 16
        for round in 0..<max(0, opsPerRow - Workload.opsPerRow) {
            for (r, id) in ids.enumerated() {
                seq += 1
                hlc += 1
                pending.append(Op(collection: "projects", row: id, field: "description", kind: .set, node: editor, seq: seq,
                                  hlc: HLCTimestamp(raw: hlc), value: .text("第 \(round) 版：渠道、预算与时间表"),
                                  replaces: last[r].map { [$0] } ?? []))
                last[r] = Dot(node: editor, seq: seq)
                if pending.count >= commitBatch { try flush(editor) }
            }
        }
        try flush(editor)
        return made
    }

    /// A new replica syncing from a daemon over `log`: seconds until up to date, snapshot rows
    /// installed and its state hash. Throws when it did (not) bootstrap against `bootstraps`.
    private static func timeToReady(_ log: ServerLog, scratch: Scratch, name: String, bootstraps: Bool) throws -> (Double, Int, String) {
        try blocking {
            let daemon = DaemonFixture.daemon(log, port: 0)
            let port = try await daemon.start()
            let replica = try ReplicaStore.create(at: scratch.file("\(name).sqlite"),
                                                  identity: ReplicaIdentity(node: name, department: "planning", server: "127.0.0.1:\(port)",
                                                                            token: try log.addToken(department: "planning")),
                                                  schema: PlanningSchema.schema)
            var options = SyncClientOptions()
            options.logger = .init(label: "plansync-bench") { _ in SwiftLogNoOpLogHandler() }
            let t0 = now()
            let summary = try await SyncClient(replica: replica, schemaVersion: PlanningSchema.version, options: options).sync()
            let elapsed = now() - t0
            await daemon.shutdown()
            guard (summary.bootstrapped != nil) == bootstraps else {
                throw BenchError("bootstrap: the \(name) replica \(bootstraps ? "did not bootstrap" : "bootstrapped")")
            }
            return (elapsed, summary.snapshotRows, try replica.stateHash())
        }
    }

    private static func fileBytes(_ path: String) -> UInt64 {
        ["", "-wal"].reduce(0) { total, suffix in
            total + (((try? FileManager.default.attributesOfItem(atPath: path + suffix))?[.size] as? NSNumber)?.uint64Value ?? 0)
        }
    }
}
