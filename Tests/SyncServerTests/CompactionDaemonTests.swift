import Foundation
import NIOCore
import Planning
import SyncModel
import SyncProtocol
import SyncStore
import Testing
@testable import SyncServer

/// Compaction of the SQLite log under a serving daemon (issue 14): `plansyncd compact` opens the
/// same file with a second `ServerLog` while the daemon commits, and the daemon notices the new
/// horizon; a department's snapshot carries only what its read rules allow.
@Suite("Compaction under a serving daemon", .serialized)
struct CompactionDaemonTests {
    /// Row `row`: create it, name it and add 10 to its spent budget (three ops from `seq`).
    static func batch(node: String, seq: UInt64, row: String) -> [Op] {
        Ops.create(node: node, seq: seq, row: row, name: "n-\(row)")
            + [Op(collection: "projects", row: row, field: "budget_spent", kind: .inc, node: node, seq: seq + 2, hlc: Ops.now, delta: 10)]
    }

    @Test func aSecondInstanceCompactsWhileTheDaemonCommitsAndNothingAcknowledgedIsLost() async throws {
        let dir = try SQLiteDaemonTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("server.sqlite").path
        let log = try ServerLog(path: path, schema: PlanningSchema.schema)
        let token = try log.addToken(department: "sales")
        let daemon = SyncDaemon(storage: log, configuration: .init(schema: PlanningSchema.schema, port: 0), logger: TestDaemon.quietLogger)
        let port = try await daemon.start()
        defer { Task { await daemon.shutdown() } }

        let writer = try await LineClient.connect(port: port)
        try await writer.hello(token: token, node: "sales-laptop")
        let done = Flag()
        let pushing = Task { () async throws -> [Op] in
            defer { done.set() }
            var acked: [Op] = []
            for b in 0..<40 {
                let ops = Self.batch(node: "sales-laptop", seq: UInt64(3 * b + 1), row: "row-\(b % 7)-\(b)")
                guard case .ack(let ack) = try await writer.push(id: Int64(b), ops), ack.accepted == 3 else { throw LineClient.Unexpected(.pong(Pong(id: Int64(b)))) }
                acked += ops
            }
            return acked
        }
        // `plansyncd compact` is another process with its own connection to the file.
        let other = try ServerLog(path: path, schema: PlanningSchema.schema)
        var folded = 0
        while !done.isSet {
            let head = try other.head()
            if head > 3 { folded += try other.compact(.before(position: head - 2), schema: PlanningSchema.schema).foldedOps }
            try await Task.sleep(for: .milliseconds(5))
        }
        let acked = try await pushing.value
        let head = try other.head()
        try other.compact(.before(position: head - 5), schema: PlanningSchema.schema)
        let horizon = try other.horizon()
        #expect(folded > 0 || horizon > 0)
        #expect(head == 120 && horizon >= head - 6 && horizon < head)

        // A new laptop: the daemon's recent ops in memory reach back to position 1, yet the pull from 0
        // is told snapshot_required, since the hello read the horizon the other process wrote.
        let reader = try await LineClient.connect(port: port)
        try await reader.hello(token: token, node: "new-laptop")
        try await reader.send(.pull(Pull(id: 1, since: 0)))
        let refusal = try await reader.message()
        guard case .error(let error) = refusal else { Issue.record("a pull from 0 was served: \(refusal)"); return }
        #expect(error.code == .snapshotRequired && error.horizon == horizon)

        let (snapshot, _) = try await reader.snapshot(limit: 4, schema: PlanningSchema.schema)
        #expect(snapshot.horizon == horizon)
        let after = try await reader.pullAll(since: horizon)
        #expect(after.map(\.log) == Array((horizon + 1)...head).map(Optional.some))
        // Every acknowledged op is in the snapshot (by its version vector) or in the log after it,
        // and the two together make the state all acknowledged ops make.
        for op in acked {
            #expect(op.seq <= snapshot.versionVector[op.node] || after.contains { $0.dot == op.dot }, "lost: \(op.dot)")
        }
        var state = snapshot.state
        for op in after { try state.apply(op.content) }
        var expected = ReplicaState(schema: PlanningSchema.schema)
        for op in acked { try expected.apply(op) }
        #expect(state.canonicalForm() == expected.canonicalForm())
        await reader.close()
        await writer.close()
    }

    /// incentives: read and written by hr only.
    static let rules = AccessRules([
        .init(collection: "incentives", access: .read, departments: ["hr"]),
        .init(collection: "incentives", access: .write, departments: ["hr"]),
    ])

    @Test func aDepartmentsSnapshotHoldsNothingOfACollectionItMayNotRead() async throws {
        let dir = try SQLiteDaemonTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("server.sqlite").path
        let log = try ServerLog(path: path, schema: PlanningSchema.schema)
        let hr = try log.addToken(department: "hr"), sales = try log.addToken(department: "sales")
        var configuration = SyncDaemon.Configuration(schema: PlanningSchema.schema, port: 0)
        configuration.rules = Self.rules
        let daemon = SyncDaemon(storage: log, configuration: configuration, logger: TestDaemon.quietLogger)
        let port = try await daemon.start()
        defer { Task { await daemon.shutdown() } }

        let writer = try await LineClient.connect(port: port)
        try await writer.hello(token: hr, node: "hr-laptop")
        let secret = [
            Op(collection: "incentives", row: "hidden-row-7f3a", field: "_deleted", kind: .set, node: "hr-laptop", seq: 1, hlc: Ops.now, value: .bool(false), context: VersionVector()),
            Op(collection: "incentives", row: "hidden-row-7f3a", field: "recipient", kind: .set, node: "hr-laptop", seq: 2, hlc: Ops.now, value: .text("秘密的收件人")),
        ]
        guard case .ack = try await writer.push(id: 1, secret) else { Issue.record("hr's incentive was not acked"); return }
        guard case .ack = try await writer.push(id: 2, Self.batch(node: "hr-laptop", seq: 3, row: "open-row")) else { Issue.record("not acked"); return }
        try ServerLog(path: path, schema: PlanningSchema.schema).compact(.before(position: 6), schema: PlanningSchema.schema)

        // sales: the snapshot's bytes hold the open row and nothing of the incentive.
        let reader = try await LineClient.connect(port: port)
        try await reader.hello(token: sales, node: "sales-laptop")
        let (snapshot, lines) = try await reader.snapshot(limit: 1, schema: PlanningSchema.schema)
        #expect(snapshot.horizon == 5)
        let wire = lines.joined(separator: "\n")
        #expect(wire.contains("open-row"))
        for hidden in ["incentives", "hidden-row-7f3a", "秘密的收件人", "recipient"] {
            #expect(!wire.contains(hidden), "sales received \(hidden)")
        }
        #expect(snapshot.records().map(\.collection) == ["projects"])
        // hr, who may read incentives, gets both rows.
        let hrReader = try await LineClient.connect(port: port)
        try await hrReader.hello(token: hr, node: "hr-reader")
        let (full, _) = try await hrReader.snapshot(limit: 1, schema: PlanningSchema.schema)
        #expect(full.records().map(\.collection).sorted() == ["incentives", "projects"])
        // Each scope's snapshot and log make the hash `plansyncd hash --department` prints.
        var scoped = snapshot.state
        for op in try await reader.pullAll(since: 5) { try scoped.apply(op.content) }
        #expect(scoped.canonicalForm(including: { Self.rules.mayRead("sales", $0) })
                == (try log.canonicalForm(of: "sales", rules: Self.rules, schema: PlanningSchema.schema)))
        await reader.close()
        await hrReader.close()
        await writer.close()
    }
}

extension LineClient {
    /// Fetches the whole snapshot in pages of `limit` records; returns it and the raw lines received.
    func snapshot(limit: Int, schema: Schema, firstID: Int64 = 500) async throws -> (Snapshot, [String]) {
        var records: [SnapshotRecord] = []
        var lines: [String] = []
        var id = firstID
        var after: SnapshotKey?
        var horizon: UInt64?
        var vv = VersionVector()
        while true {
            try await send(.snapshot(SnapshotRequest(id: id, horizon: horizon, after: after, limit: limit)))
            guard case .line(let line) = try await next() else { throw Timeout(waitingFor: "snapshot_page") }
            lines.append(line)
            let message = try WireDecoder.serverMessage(from: ByteBuffer(string: line))
            guard case .snapshotPage(let reply) = message, reply.id == id else { throw Unexpected(message) }
            for json in reply.page.records { records.append(try SnapshotRecord.decode(String(decoding: json, as: UTF8.self), schema: schema)) }
            horizon = reply.page.horizon
            vv = reply.page.versionVector
            after = reply.page.next
            id += 1
            if !reply.page.more { break }
        }
        return (Snapshot(horizon: horizon ?? 0, versionVector: vv, records: records, schema: schema), lines)
    }
}
