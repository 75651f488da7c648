import Foundation
import Planning
import SyncModel
import SyncProtocol
import SyncServer
import SyncStore

/// Scenario `scale` (issue 16): the same load on one daemon over SQLite and, when a PostgreSQL
/// server is given (`PLANSYNC_POSTGRES_URL`), on two daemons sharing one PostgreSQL log, in one run.
///
/// - **Throughput**: `clients` wire clients, spread round-robin over the daemons, each push
///   `pushes` pushes of projects (ten ops each) from its own node, all at once; total ops
///   acknowledged over the wall time from the first push to the last `ack`.
/// - **Fan-out**: as many subscribers, spread the same way, subscribed at the head; one writer on
///   the first daemon pushes `edits` single-op edits 5 ms apart; latency runs from the writer's
///   push to each subscriber's `changes` holding the op, and is also reported for the subscribers
///   of the other daemons alone (the cross-daemon path: commit, NOTIFY, read of the log).
///
/// The clients are bare wire connections (``LineLink``), not replicas, so the figures are the
/// daemons' and their storage's, not the clients' SQLite.
enum ScaleBench {
    /// One setup's figures.
    struct Setup: Encodable {
        var backend: String
        var daemons: Int
        var clients: Int
        var ops: Int
        var ops_per_s: Double
        var fanout_edits: Int
        var fanout_p50_ms: Double
        var fanout_p99_ms: Double
        /// p99 of the subscribers on a daemon other than the writer's; nil with one daemon.
        var fanout_p99_ms_other_daemon: Double?
    }

    struct Result: Encodable {
        var sqlite: Setup
        /// nil when no PostgreSQL server was given; ``postgres_skipped`` says why.
        var postgres: Setup?
        var postgres_skipped: String?
    }

    /// Daemons serving one log, on loopback ports, and how to make a token for them.
    struct Cluster: Sendable {
        var backend: String
        var ports: [Int]
        var addToken: @Sendable (String) throws -> String
        var stop: @Sendable () async -> Void
    }

    static func run(clients: Int, pushes: Int, projectsPerPush: Int, edits: Int, scratch: Scratch,
                    postgres: (@Sendable () async throws -> Cluster)?, postgresSkipped: String?) throws -> Result {
        let sqlite = try blocking {
            let log = try ServerLog(path: scratch.file("scale-server.sqlite"), schema: PlanningSchema.schema)
            let daemon = DaemonFixture.daemon(log, port: 0, maxConnections: 4_096)
            let port = try await daemon.start()
            let cluster = Cluster(backend: "sqlite", ports: [port], addToken: { try log.addToken(department: $0) },
                                  stop: { await daemon.shutdown() })
            return try await measure(cluster, clients: clients, pushes: pushes, projectsPerPush: projectsPerPush, edits: edits)
        }
        guard let postgres else { return Result(sqlite: sqlite, postgres: nil, postgres_skipped: postgresSkipped) }
        let shared = try blocking {
            let cluster = try await postgres()
            return try await measure(cluster, clients: clients, pushes: pushes, projectsPerPush: projectsPerPush, edits: edits)
        }
        return Result(sqlite: sqlite, postgres: shared, postgres_skipped: nil)
    }

    /// Both phases on `cluster`, which is stopped afterwards.
    private static func measure(_ cluster: Cluster, clients: Int, pushes: Int, projectsPerPush: Int, edits: Int) async throws -> Setup {
        do {
            let token = try cluster.addToken("planning")
            let (ops, seconds) = try await throughput(cluster, token: token, clients: clients, pushes: pushes, projectsPerPush: projectsPerPush)
            let fan = try await fanout(cluster, token: token, subscribers: clients, edits: edits)
            await cluster.stop()
            return Setup(backend: cluster.backend, daemons: cluster.ports.count, clients: clients, ops: ops, ops_per_s: Double(ops) / seconds,
                         fanout_edits: edits, fanout_p50_ms: percentile(fan.all, 50), fanout_p99_ms: percentile(fan.all, 99),
                         fanout_p99_ms_other_daemon: fan.other.isEmpty ? nil : percentile(fan.other, 99))
        } catch {
            await cluster.stop()
            throw error
        }
    }

    /// Every client pushes its projects at once; the ops acknowledged and the seconds it took.
    private static func throughput(_ cluster: Cluster, token: String, clients: Int, pushes: Int,
                                   projectsPerPush: Int) async throws -> (ops: Int, seconds: Double) {
        let t0 = now()
        let ops = try await withThrowingTaskGroup(of: Int.self) { group in
            for c in 0..<clients {
                let port = cluster.ports[c % cluster.ports.count]
                group.addTask {
                    try await LineLink.session(port: port, node: "scale-\(c)", token: token, schema: PlanningSchema.version) { link, _ in
                        var workload = Workload(node: "scale-\(c)", department: "planning")
                        var accepted = 0
                        for p in 0..<pushes {
                            var batch: [Op] = []
                            for i in 0..<projectsPerPush { batch += workload.project(p * projectsPerPush + i) }
                            guard case .ack(let ack) = try await link.send(.push(Push(id: Int64(p + 1), ops: batch))),
                                  ack.accepted == batch.count else {
                                throw BenchError("scale: push \(p) of client \(c) was not accepted whole")
                            }
                            accepted += ack.accepted
                        }
                        return accepted
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        return (ops, now() - t0)
    }

    /// Subscribers on every daemon, one writer on the first: latencies in milliseconds, all and
    /// those of subscribers on another daemon than the writer's.
    private static func fanout(_ cluster: Cluster, token: String, subscribers: Int, edits: Int) async throws -> (all: [Double], other: [Double]) {
        let writerNode = "scale-writer"
        let sent = TimeTable(), arrivals = (0..<subscribers).map { _ in TimeTable() }
        let subscribed = Countdown(subscribers)
        let done = Countdown(subscribers)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for s in 0..<subscribers {
                let port = cluster.ports[s % cluster.ports.count]
                group.addTask {
                    try await LineLink.session(port: port, node: "scale-sub-\(s)", token: token, schema: PlanningSchema.version) { link, welcome in
                        try await link.write(.subscribe(Subscribe(id: 1, since: welcome.head)))
                        subscribed.tick()
                        var seen = 0
                        while seen < edits {
                            guard case .changes(let changes) = try await link.receive() else { continue }
                            let t = now()
                            for op in changes.ops where op.node == writerNode {
                                arrivals[s].record(op.seq, t)
                                seen += 1
                            }
                        }
                        done.tick()
                    }
                }
            }
            await subscribed.wait()
            try await Task.sleep(for: .milliseconds(300))     // each subscription registered on its daemon
            try await LineLink.session(port: cluster.ports[0], node: writerNode, token: token, schema: PlanningSchema.version) { link, _ in
                let row = RowID.make(unixMilliseconds: UInt64(Date().timeIntervalSince1970 * 1000))
                var previous: Dot?
                for seq in UInt64(1)...UInt64(edits) {
                    let hlc = HLCTimestamp(raw: (UInt64(Date().timeIntervalSince1970 * 1000) << 16) + seq)
                    let op = seq == 1
                        ? Op(collection: "tasks", row: row, field: Op.deletedField, kind: .set, node: writerNode, seq: seq, hlc: hlc,
                             value: .bool(false), replaces: [], context: VersionVector())
                        : Op(collection: "tasks", row: row, field: "status", kind: .set, node: writerNode, seq: seq, hlc: hlc,
                             value: .text(seq % 2 == 0 ? "doing" : "todo"), replaces: previous.map { [$0] } ?? [])
                    if seq > 1 { previous = op.dot }
                    sent.record(seq, now())
                    guard case .ack = try await link.send(.push(Push(id: Int64(seq), ops: [op]))) else {
                        throw BenchError("scale: the writer's edit \(seq) was not acknowledged")
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            let deadline = now() + 60
            while done.left > 0, now() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            group.cancelAll()
            guard done.left == 0 else { throw BenchError("scale: \(done.left) subscribers did not receive every edit in 60 s") }
            var all: [Double] = [], other: [Double] = []
            for s in 0..<subscribers {
                for seq in UInt64(1)...UInt64(edits) {
                    guard let t0 = sent.time(seq), let t = arrivals[s].time(seq) else { throw BenchError("scale: edit \(seq) missing") }
                    let ms = (t - t0) * 1000
                    all.append(ms)
                    if s % cluster.ports.count != 0 { other.append(ms) }
                }
            }
            return (all, other)
        }
    }

    /// Times by seq, shared between tasks.
    final class TimeTable: @unchecked Sendable {
        private let lock = NSLock()
        private var times: [UInt64: Double] = [:]

        func record(_ seq: UInt64, _ t: Double) { lock.withLock { if times[seq] == nil { times[seq] = t } } }
        func time(_ seq: UInt64) -> Double? { lock.withLock { times[seq] } }
    }

    /// A count down to zero that tasks tick and one task waits on by polling.
    final class Countdown: @unchecked Sendable {
        private let lock = NSLock()
        private var remaining: Int

        init(_ count: Int) { remaining = count }

        var left: Int { lock.withLock { remaining } }
        func tick() { lock.withLock { remaining -= 1 } }
        func wait() async { while left > 0 { try? await Task.sleep(for: .milliseconds(10)) } }
    }
}
