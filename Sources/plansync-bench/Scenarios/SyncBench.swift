import Foundation
import Planning
import SyncClient
import SyncModel
import SyncProtocol
import SyncStore

/// Scenario `sync`: one client pushes its outbox (ten ops per project, as in `apply`) to a daemon on loopback (and, as every sync does,
/// pulls its own ops back and skips them); a second client then pulls them all. End-to-end ops/s is
/// ops divided by the time of both syncs. Bytes per op is what the loopback interface carried
/// (JSON lines plus TCP/IP headers) divided by the op transfers (push, echo, pull: 3 per op).
/// Scenario `sync_tls` is the same over TLS (a pinned self-signed certificate; TLS 1.3), and
/// `sync_deflate` the same with `compression` negotiated (both clients offer deflate; `sync` and
/// `sync_tls` offer nothing, so their lines are plain).
enum SyncBench {
    struct Result: Encodable {
        var ops: Int
        var ops_per_s: Double
        var bytes_per_op: Double
        var push_s: Double
        var pull_s: Double
    }

    static func run(rows: Int, scratch: Scratch, tls: Bool = false, compression: [WireCompression] = []) throws -> Result {
        try blocking {
            let fixture = try await DaemonFixture(scratch: scratch, tls: tls)
            let writer = try fixture.replica("bench-writer", department: "planning")
            let reader = try fixture.replica("bench-reader", department: "sales")
            for i in 0..<rows {
                var fields: [String: Value] = [:]
                for (name, value) in Workload.registerFields { fields[name] = value(i) }
                let id = try writer.create("projects", fields: fields)
                try writer.increment("projects", id: id, field: "budget_spent", by: 1_200_000)
                try writer.add("projects", id: id, field: "channels", element: "社交媒体")
            }
            let ops = try writer.outboxCount()
            var options = SyncClientOptions()
            options.compression = compression
            let bytes0 = loopbackBytes()
            let t0 = now()
            _ = try await fixture.client(writer, options: options).sync()
            let t1 = now()
            let pulled = try await fixture.client(reader, options: options).sync()
            let t2 = now()
            let bytes = loopbackBytes().flatMap { b in bytes0.map { b - $0 } } ?? 0
            await fixture.stop()
            guard pulled.pulled >= ops, try reader.stateHash() == writer.stateHash() else {
                throw BenchError("sync: the reader did not converge (pulled \(pulled.pulled) of \(ops))")
            }
            return Result(ops: ops, ops_per_s: Double(ops) / (t2 - t0), bytes_per_op: Double(bytes) / Double(3 * ops),
                          push_s: t1 - t0, pull_s: t2 - t1)
        }
    }
}
