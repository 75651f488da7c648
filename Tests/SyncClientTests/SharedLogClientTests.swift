import Foundation
import Planning
import SyncClient
import SyncModel
import SyncServer
import Testing
import TestSupport

/// Issue 16: laptops syncing through either of two daemons on one log (one ``MemoryServerLog``
/// handed to both) converge, and those of a daemon that shuts down resume on the other.
@Suite("Two daemons on one log", .serialized, .timeLimit(.minutes(3)))
struct SharedLogClientTests {
    /// `replica` synced once through `daemon`, whatever daemon its identity names.
    static func sync(_ replica: MemoryReplica, through daemon: TestDaemon) async throws {
        let address = ServerAddress(host: "127.0.0.1", port: daemon.port)
        _ = try await client(replica, testOptions { $0.server = address }).sync()
    }

    @Test("replicas pushing through either daemon, at random and at once, converge", arguments: [1, 2, 3] as [UInt64])
    func randomSchedulesConverge(seed: UInt64) async throws {
        let log = MemoryServerLog()
        let a = try await TestDaemon.start(log: log)
        let b = try await TestDaemon.start(log: log)
        let daemons = [a, b]
        let replicas = (0..<4).map { i in daemons[i % 2].replica("laptop-\(i)", department: i % 2 == 0 ? "planning" : "sales") }
        // One watcher on each daemon: each sees every commit, through its own daemon's fan-out.
        let watchers = [a.replica("watcher-a", department: "hr"), b.replica("watcher-b", department: "finance")]
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
            var syncs: [(MemoryReplica, TestDaemon)] = []
            for replica in replicas where random.chance(0.5) { syncs.append((replica, random.pick(daemons))) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (replica, daemon) in syncs { group.addTask { try await SharedLogClientTests.sync(replica, through: daemon) } }
                try await group.waitForAll()
            }
        }
        // Everything pushed, then everything pulled, each through the other daemon than before.
        for (i, replica) in replicas.enumerated() { try await SharedLogClientTests.sync(replica, through: daemons[i % 2]) }
        for (i, replica) in replicas.enumerated() { try await SharedLogClientTests.sync(replica, through: daemons[(i + 1) % 2]) }

        let head = log.head()
        let hash = try replicas[0].stateHash()
        for replica in replicas {
            #expect(try replica.outboxCount() == 0, "seed \(seed)")
            #expect(try replica.cursor() == head, "seed \(seed)")
            #expect(try replica.stateHash() == hash, "seed \(seed)")
        }
        for watcher in watchers {
            #expect(try await eventually { try watcher.cursor() == head && watcher.stateHash() == hash }, "seed \(seed)")
        }
        for task in watching { task.cancel() }
        await a.stop()
        await b.stop()
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
