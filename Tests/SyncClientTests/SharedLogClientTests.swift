import Foundation
import Planning
import SyncClient
import SyncModel
import SyncPostgres
import SyncServer
import PostgresTestSupport
import Testing
import TestSupport

/// Issue 16: laptops syncing through either of two daemons on one log (one ``MemoryServerLog``
/// handed to both, and two daemons on one PostgreSQL database) converge, and those of a daemon
/// that shuts down resume on the other.
@Suite("Two daemons on one log", .serialized, .timeLimit(.minutes(3)))
struct SharedLogClientTests {
    /// `replica` synced once through `daemon`, whatever daemon its identity names.
    static func sync(_ replica: MemoryReplica, through daemon: TestDaemon) async throws {
        try await sync(replica, port: daemon.port)
    }

    /// `replica` synced once through the daemon on loopback `port`.
    static func sync(_ replica: MemoryReplica, port: Int) async throws {
        let address = ServerAddress(host: "127.0.0.1", port: port)
        _ = try await client(replica, testOptions { $0.server = address }).sync()
    }

    /// Two daemons on one log, on loopback ports, whatever the storage.
    struct Pair {
        var ports: [Int]
        var addToken: (String) throws -> String
        var head: () throws -> UInt64

        func replica(_ node: String, department: String, on daemon: Int) throws -> MemoryReplica {
            MemoryReplica(node: node, department: department, server: "127.0.0.1:\(ports[daemon])",
                          token: try addToken(department), schema: PlanningSchema.schema)
        }
    }

    @Test("replicas pushing through either daemon, at random and at once, converge", arguments: [1, 2, 3] as [UInt64])
    func randomSchedulesConverge(seed: UInt64) async throws {
        let log = MemoryServerLog()
        let a = try await TestDaemon.start(log: log)
        let b = try await TestDaemon.start(log: log)
        let pair = Pair(ports: [a.port, b.port], addToken: { log.addToken(department: $0) }, head: { log.head() })
        try await Self.converge(pair, seed: seed)
        await a.stop()
        await b.stop()
    }

    @Test("on PostgreSQL: replicas pushing through either of two daemons, at random and at once, converge",
          .enabled(if: PostgresTestServer.enabled, Comment(rawValue: PostgresTestServer.skipReason)), arguments: [1, 2] as [UInt64])
    func randomSchedulesConvergeOnPostgres(seed: UInt64) async throws {
        try await PostgresTestServer.withDatabase { url in
            let logs = [try PostgresServerLog(url: url, schema: PlanningSchema.schema), try PostgresServerLog(url: url, schema: PlanningSchema.schema)]
            var daemons: [SyncDaemon] = []
            var ports: [Int] = []
            for log in logs {
                let daemon = SyncDaemon(storage: log, configuration: SyncDaemon.Configuration(schema: PlanningSchema.schema, host: "127.0.0.1", port: 0))
                ports.append(try await daemon.start())
                daemons.append(daemon)
            }
            let pair = Pair(ports: ports, addToken: { try logs[0].addToken(department: $0) }, head: { try logs[1].head() })
            do { try await Self.converge(pair, seed: seed) } catch {
                for daemon in daemons { await daemon.shutdown() }
                for log in logs { log.shutdown() }
                throw error
            }
            for daemon in daemons { await daemon.shutdown() }
            for log in logs { log.shutdown() }
        }
    }

    /// Four laptops edit at random and sync through either daemon, some at once; a watcher on each
    /// daemon sees every commit through its own daemon's fan-out. All end with one state.
    static func converge(_ pair: Pair, seed: UInt64) async throws {
        let replicas = try (0..<4).map { i in try pair.replica("laptop-\(i)", department: i % 2 == 0 ? "planning" : "sales", on: i % 2) }
        let watchers = [try pair.replica("watcher-a", department: "hr", on: 0), try pair.replica("watcher-b", department: "finance", on: 1)]
        let watching = watchers.map { watcher in Task { try await client(watcher).watch() } }
        defer { for task in watching { task.cancel() } }

        var random = SplitMix64(seed: seed)
        var rows: [String] = []
        for step in 0..<12 {
            for replica in replicas where random.chance(0.6) {
                let known = rows.filter { replica.row("projects", $0) != nil }
                if known.isEmpty || random.chance(0.3) {
                    rows.append(try replica.create("projects", ["name": .text("p\(step)")]))
                } else if random.chance(0.5) {
                    try replica.set("projects", random.pick(known), "name", .text("n\(step)-\(random.next() % 100)"))
                } else {
                    try replica.inc("projects", random.pick(known), "budget_spent", by: Int64(random.next() % 50))
                }
            }
            var syncs: [(MemoryReplica, Int)] = []
            for replica in replicas where random.chance(0.5) { syncs.append((replica, random.pick(pair.ports))) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (replica, port) in syncs { group.addTask { try await SharedLogClientTests.sync(replica, port: port) } }
                try await group.waitForAll()
            }
        }
        // Everything pushed, then everything pulled, each through the other daemon than before.
        for (i, replica) in replicas.enumerated() { try await sync(replica, port: pair.ports[i % 2]) }
        for (i, replica) in replicas.enumerated() { try await sync(replica, port: pair.ports[(i + 1) % 2]) }

        let head = try pair.head()
        let hash = try replicas[0].stateHash()
        for replica in replicas {
            #expect(try replica.outboxCount() == 0, "seed \(seed)")
            #expect(try replica.cursor() == head, "seed \(seed)")
            #expect(try replica.stateHash() == hash, "seed \(seed)")
        }
        for watcher in watchers {
            #expect(try await eventually { try watcher.cursor() == head && watcher.stateHash() == hash }, "seed \(seed)")
        }
    }

    @Test("clients of a daemon that shuts down mid-stream resume on the other and converge")
    func resumeOnTheOtherDaemon() async throws {
        let log = MemoryServerLog()
        let a = try await TestDaemon.start(log: log)
        let b = try await TestDaemon.start(log: log)
        // Laptops reach the daemons through one address, as behind a load balancer: A while it is up.
        let relay = try await FailoverRelay.start(to: [a.port, b.port])
        let watcher = MemoryReplica(node: "watcher", department: "sales", server: relay.address,
                                    token: log.addToken(department: "sales"), schema: PlanningSchema.schema)
        let writer = b.replica("writer", department: "planning")
        let events = EventLog()
        let watching = Task { try await client(watcher, testOptions { $0.onEvent = events.handler }).watch() }
        defer { watching.cancel() }

        // The writer commits through B all along; the watcher, on A, receives and writes too.
        let writing = Task {
            for i in 0..<40 {
                try writer.create("risks", ["description": .text("风险 \(i)")])
                _ = try await client(writer).sync()
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        #expect(try await eventually { try watcher.cursor() >= 10 })
        for i in 0..<5 { try watcher.create("risks", ["description": .text("观察 \(i)")]) }
        await a.stop()
        for i in 5..<10 { try watcher.create("risks", ["description": .text("观察 \(i)")]) }
        try await writing.value

        #expect(try await eventually { try watcher.outboxCount() == 0 })
        _ = try await client(writer).sync()
        let head = log.head()
        #expect(try await eventually { try watcher.cursor() == head })
        #expect(try writer.cursor() == head)
        #expect(try watcher.stateHash() == writer.stateHash())
        // It did lose A and reconnect (to B: A no longer listens).
        #expect(events.all.contains { if case .disconnected = $0 { true } else { false } })
        #expect(events.all.filter { if case .connected = $0 { true } else { false } }.count >= 2)

        watching.cancel()
        try await watching.value
        await relay.stop()
        await b.stop()
    }
}
