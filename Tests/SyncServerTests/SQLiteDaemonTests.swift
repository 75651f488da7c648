import Foundation
import Planning
import PostgresTestSupport
import SyncModel
import SyncProtocol
import SyncStore
import TestSupport
import Testing
@testable import SyncServer

/// The daemon over the real SQLite log (and, for kill -9, PostgreSQL), in-process and as the built `plansyncd` binary.
@Suite("Daemon over SQLite and PostgreSQL", .serialized)
struct SQLiteDaemonTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plansyncd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func acknowledgedOpsSurviveARestartAndReachTheReadableTables() async throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("server.sqlite").path
        var log: ServerLog? = try ServerLog(path: path, schema: PlanningSchema.schema)
        let token = try #require(try log?.addToken(department: "sales"))
        var configuration = SyncDaemon.Configuration(schema: PlanningSchema.schema, port: 0)
        var daemon: SyncDaemon? = SyncDaemon(storage: try #require(log), configuration: configuration, logger: TestDaemon.quietLogger)
        var port = try await #require(daemon).start()
        let client = try await LineClient.connect(port: port)
        try await client.hello(token: token, node: "sales-laptop")
        guard case .ack(let ack) = try await client.push(id: 1, Ops.create(node: "sales-laptop", seq: 1, row: "p1", name: "Launch")) else {
            Issue.record("not acked"); return
        }
        #expect(ack.head == 2)
        await client.close()
        await daemon?.shutdown()
        daemon = nil
        log = nil

        let reopened = try ServerLog(path: path, schema: PlanningSchema.schema)
        configuration.port = 0
        let second = SyncDaemon(storage: reopened, configuration: configuration, logger: TestDaemon.quietLogger)
        port = try await second.start()
        let reader = try await LineClient.connect(port: port)
        let welcome = try await reader.hello(token: token, node: "rnd-laptop")
        #expect(welcome.head == 2)
        let ops = try await reader.pullAll()
        #expect(ops.map(\.dot) == [Dot(node: "sales-laptop", seq: 1), Dot(node: "sales-laptop", seq: 2)])
        #expect(ops.allSatisfy { $0.department == "sales" })
        await reader.close()
        await second.shutdown()
        // The daemon's own replica shows the row (materialized after the commit).
        let replica = try ReplicaStore(opening: path, schema: PlanningSchema.schema)
        #expect(try replica.cursor() == 2)
    }

    @Test func readableTablesThatLagTheLogCatchUpAfterStartWithoutACommit() async throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("server.sqlite").path
        // Ops committed to the log but never materialized, as after a restore or an upgrade.
        let log = try ServerLog(path: path, schema: PlanningSchema.schema)
        for n in 0..<50 {
            _ = try log.commit(Ops.create(node: "sales-laptop", seq: UInt64(2 * n + 1), row: "p\(n)", name: "Launch \(n)"),
                               pushedBy: "sales-laptop", department: "sales", schema: PlanningSchema.schema,
                               wallMilliseconds: UInt64(Date().timeIntervalSince1970 * 1000), maxSkewMilliseconds: 300_000)
        }
        let unmaterialized = try ReplicaStore(opening: path, schema: PlanningSchema.schema)
        #expect(try unmaterialized.cursor() == 0)
        let daemon = SyncDaemon(storage: log, configuration: SyncDaemon.Configuration(schema: PlanningSchema.schema, port: 0),
                                logger: TestDaemon.quietLogger)
        _ = try await daemon.start()
        let deadline = ContinuousClock.now + .seconds(30)
        while try unmaterialized.cursor() < 100, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try unmaterialized.cursor() == 100, "the readable tables caught up with no commit to trigger them")
        await daemon.shutdown()
    }

    /// The built daemon binary, when present (`swift build --product plansyncd`).
    static var binary: URL? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent(".build/debug/plansyncd")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    @Test(.enabled(if: binary != nil, "skipped: .build/debug/plansyncd is not built (swift build --product plansyncd)"))
    func killNineRightAfterAcksLosesNothing() async throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await Self.killNineRightAfterAcks(storage: ["--data", dir.appendingPathComponent("server.sqlite").path])
    }

    /// On PostgreSQL the second daemon serves the same database while the first is killed: its
    /// clients resume there with every acknowledged op.
    @Test(.enabled(if: binary != nil, "skipped: .build/debug/plansyncd is not built (swift build --product plansyncd)"),
          .enabled(if: PostgresTestServer.enabled, Comment(rawValue: PostgresTestServer.skipReason)))
    func killNineOfOneOfTwoDaemonsOnPostgresLosesNothing() async throws {
        let database = try TestDatabase()
        defer { database.drop() }
        try await Self.killNineRightAfterAcks(storage: ["--postgres", "\(database.url)"], secondAlreadyServing: true)
    }

    /// Pushes 20 acknowledged batches to a `plansyncd` child, kills it with SIGKILL, and pulls the
    /// whole log from a second daemon on the same storage: every acked op is there, once.
    static func killNineRightAfterAcks(storage: [String], secondAlreadyServing: Bool = false) async throws {
        let binary = try #require(Self.binary)
        let tokenOutput = try DaemonProcess.run(binary, ["token", "add", "--department", "sales"] + storage)
        let token = try #require(tokenOutput.split(separator: "\n").last.map(String.init))

        let first = try DaemonProcess.launch(binary, storage: storage)
        var second = secondAlreadyServing ? try DaemonProcess.launch(binary, storage: storage) : nil
        let client = try await LineClient.connect(port: first.port)
        try await client.hello(token: token, node: "sales-laptop")
        var acked: [Dot] = []
        var seq: UInt64 = 1
        for batch in 0..<20 {
            var ops = Ops.create(node: "sales-laptop", seq: seq, row: "row-\(batch)", name: "n\(batch)")
            ops.append(Op(collection: "projects", row: "row-\(batch)", field: "budget_spent", kind: .inc, node: "sales-laptop", seq: seq + 2, hlc: Ops.now, delta: 100))
            guard case .ack(let ack) = try await client.push(id: Int64(batch), ops), ack.accepted == 3 else { Issue.record("not acked"); return }
            acked += ops.map(\.dot)
            seq += 3
        }
        first.kill9()
        await client.close()

        if second == nil { second = try DaemonProcess.launch(binary, storage: storage) }
        let survivor = try #require(second)
        defer { survivor.terminate() }
        let reader = try await LineClient.connect(port: survivor.port)
        try await reader.hello(token: token, node: "reader")
        let ops = try await reader.pullAll()
        #expect(Set(ops.map(\.dot)).isSuperset(of: acked))
        #expect(ops.count == acked.count)
        #expect(ops.map(\.log) == (1...UInt64(acked.count)).map { $0 })
        // The laptop resumes on the survivor: its next op follows its last acknowledged one.
        let resumed = try await LineClient.connect(port: survivor.port)
        try await resumed.hello(token: token, node: "sales-laptop")
        let next = Ops.name(node: "sales-laptop", seq: seq, row: "row-0", name: "after")
        guard case .ack(let ack) = try await resumed.push(id: 99, [next]) else { Issue.record("the laptop could not resume"); return }
        #expect(ack.accepted == 1)
        await resumed.close()
        await reader.close()
    }
}

extension SQLiteDaemonTests {
    @Test(.enabled(if: binary != nil, "skipped: .build/debug/plansyncd is not built (swift build --product plansyncd)"))
    func sigtermClosesClientsWithShuttingDownAndExitsZero() async throws {
        let binary = try #require(Self.binary)
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("server.sqlite").path
        let daemon = try DaemonProcess.launch(binary, data: data)
        // Tokens can be made while the daemon serves the file.
        let token = try #require(try DaemonProcess.run(binary, ["token", "add", "--department", "rnd", "--data", data]).split(separator: "\n").last.map(String.init))
        let client = try await LineClient.connect(port: daemon.port)
        #expect(try await client.hello(token: token, node: "rnd-laptop").department == "rnd")
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(errorCode(try await client.message()) == .shuttingDown)
        #expect(try await client.closedAfterDraining())
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 0)
    }
}
