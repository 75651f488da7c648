import Foundation
import Planning
import SyncClient
import SyncModel
import Testing

@Suite("sync converges", .timeLimit(.minutes(1)))
struct ConvergenceTests {
    @Test("concurrent offline edits on two replicas merge to one state")
    func offlineEditsConverge() async throws {
        try await withDaemon { daemon in
            let planning = daemon.replica("planning-laptop", department: "planning")
            let sales = daemon.replica("sales-laptop", department: "sales")
            let project = try planning.create("projects", ["name": .text("春季推广"), "end": .text("2027-04-01")])
            let first = try await client(planning).sync()
            #expect(first.pushed == 3)
            #expect(try planning.outboxCount() == 0)
            _ = try await client(sales).sync()
            #expect(sales.row("projects", project) != nil)

            // Both offline: the same register, a counter, a set, and a new row.
            try planning.set("projects", project, "end", .text("2027-04-20"))
            try planning.inc("projects", project, "budget_spent", by: 100)
            try planning.add("projects", project, "channels", "短视频")
            try sales.set("projects", project, "end", .text("2027-05-01"))
            try sales.inc("projects", project, "budget_spent", by: 250)
            try sales.add("projects", project, "channels", "社交媒体")
            let task = try sales.create("tasks", ["project": .text(project), "title": .text("渠道报价")])

            let p = try await client(planning).sync()
            let s = try await client(sales).sync()
            let p2 = try await client(planning).sync()
            #expect(p.pushed == 3 && s.pushed == 6 && p2.pushed == 0)
            #expect(s.applied == 3)          // planning's three edits
            #expect(p2.applied == 6)         // sales' six ops
            #expect(p2.cursor == p2.head && s.head == p2.head)

            #expect(try planning.stateHash() == sales.stateHash())
            #expect(planning.row("tasks", task) != nil)
            let conflicts = planning.openConflicts()
            #expect(conflicts.count == 1)
            #expect(conflicts.first?.field == "end" && conflicts.first?.values.count == 2)
            if case .counter(let c)? = planning.row("projects", project)?.fields["budget_spent"] {
                #expect(c.value == 350)
            } else {
                Issue.record("budget_spent is not a counter")
            }
        }
    }

    @Test("small push batches and a small pull limit page through everything once")
    func pagination() async throws {
        try await withDaemon { daemon in
            let writer = daemon.replica("writer", department: "planning")
            let reader = daemon.replica("reader", department: "sales")
            for i in 0..<6 { try writer.create("departments", ["name": .text("dept \(i)"), "kind": .text("other")]) }
            let pushed = try await client(writer, testOptions { $0.pushBatchSize = 4 }).sync()
            #expect(pushed.pushed == 18 && pushed.duplicates == 0)
            #expect(daemon.log.head() == 18)

            let pulled = try await client(reader, testOptions { $0.pullLimit = 5 }).sync()
            #expect(pulled.pulled == 18 && pulled.applied == 18)
            #expect(reader.appliedBatches == 4)      // 5 + 5 + 5 + 3
            #expect(try reader.cursor() == 18)
            #expect(try reader.stateHash() == writer.stateHash())

            // Nothing new: one empty page, the cursor stays.
            let again = try await client(reader, testOptions { $0.pullLimit = 5 }).sync()
            #expect(again.pulled == 0 && again.cursor == 18)
        }
    }

    @Test("pushes in flight are acknowledged in order and leave nothing behind")
    func pipelinedPushes() async throws {
        try await withDaemon { daemon in
            let writer = daemon.replica("writer", department: "planning")
            let reader = daemon.replica("reader", department: "sales")
            for i in 0..<40 { try writer.create("departments", ["name": .text("dept \(i)"), "kind": .text("other")]) }
            let options = testOptions {
                $0.pushBatchSize = 7
                $0.pushesInFlight = 3
                $0.pullLimit = 9
            }
            let pushed = try await client(writer, options).sync()
            #expect(pushed.pushed == 120 && pushed.duplicates == 0)
            #expect(try writer.outboxCount() == 0)
            #expect(daemon.log.head() == 120 && pushed.cursor == 120)
            // Its own ops came back in the pull and moved the cursor, but were not applied again.
            #expect(try writer.cursor() == 120 && writer.handedOps == 0)
            #expect(try writer.outbox(after: 0, limit: 10).isEmpty)
            let pulled = try await client(reader, options).sync()
            #expect(pulled.pulled == 120 && pulled.applied == 120)
            #expect(try reader.stateHash() == writer.stateHash())
        }
    }

    @Test("the outbox read past the pushes in flight starts after their ops")
    func outboxAfter() throws {
        let replica = MemoryReplica(node: "n", department: "d", server: nil, token: nil, schema: PlanningSchema.schema)
        for i in 0..<5 { try replica.create("departments", ["name": .text("d\(i)")]) }   // seqs 1…10
        #expect(try replica.outbox(after: 0, limit: 3).map(\.seq) == [1, 2, 3])
        #expect(try replica.outbox(after: 4, limit: 3).map(\.seq) == [5, 6, 7])
        #expect(try replica.outbox(after: 9, limit: 3).map(\.seq) == [10])
        #expect(try replica.outbox(after: 10, limit: 3).isEmpty)
        try replica.acknowledge(through: 6)
        #expect(try replica.outbox(after: 4, limit: 2).map(\.seq) == [7, 8])
        #expect(try replica.outbox(after: 7, limit: 100).map(\.seq) == [8, 9, 10])
        #expect(try replica.outbox(after: 7, limit: 0).isEmpty)
    }

    @Test("progress events count every op moved")
    func progress() async throws {
        try await withDaemon { daemon in
            let writer = daemon.replica("writer", department: "planning")
            for i in 0..<3 { try writer.create("departments", ["name": .text("d\(i)")]) }
            let events = EventLog()
            _ = try await client(writer, testOptions { $0.pushBatchSize = 2; $0.onEvent = events.handler }).sync()
            let steps = events.all.compactMap { if case .progress(let p) = $0 { p } else { nil } }
            #expect(steps.map(\.pushed) == [2, 4, 6, 6])
            #expect(steps.last?.pulled == 6 && steps.last?.remaining == 0)
            #expect(events.all.contains { if case .connected(_, "planning", 0) = $0 { true } else { false } })
        }
    }

    @Test("a local clock far ahead of the server's is reported before pushing")
    func clockDrift() async throws {
        let behind: UInt64 = 3 * 60 * 1000
        try await withDaemon(configure: { config in
            config.wallClock = { UInt64(Date().timeIntervalSince1970 * 1000) - behind }
        }) { daemon in
            let events = EventLog()
            _ = try await client(daemon.replica("fast-clock", department: "finance"), testOptions { $0.onEvent = events.handler }).sync()
            let drift = events.all.compactMap { if case .clockDrift(let ms) = $0 { ms } else { nil } }
            #expect(drift.count == 1)
            #expect(drift.first.map { $0 > 120_000 } == true)   // local is ahead: positive
        }
    }

    @Test("a server time ahead of the local clock is taken in without a warning")
    func serverTimeAhead() async throws {
        // The daemon's HLC runs ahead of its wall clock whenever a client stamped ops ahead, so a
        // local clock behind it proves nothing about this machine.
        let ahead: UInt64 = 3 * 60 * 1000
        try await withDaemon(configure: { config in
            config.wallClock = { UInt64(Date().timeIntervalSince1970 * 1000) + ahead }
        }) { daemon in
            let replica = daemon.replica("slow-clock", department: "finance")
            let events = EventLog()
            _ = try await client(replica, testOptions { $0.onEvent = events.handler }).sync()
            #expect(!events.all.contains { if case .clockDrift = $0 { true } else { false } })

            // The replica's HLC took the server time in: its next op is stamped after it.
            try replica.create("departments", ["name": .text("财务部")])
            let op = try #require(try replica.outbox(limit: 1).first)
            #expect(op.hlc.milliseconds > UInt64(Date().timeIntervalSince1970 * 1000) + ahead - 60_000)
        }
    }

    @Test("a daemon whose log is shorter than the replica's cursor is reported, and the replica reads it again from 0")
    func restoredDaemonIsReported() async throws {
        try await withDaemon { daemon in
            let replica = daemon.replica("ahead-of-log", department: "sales")
            try replica.applyRemote([], cursor: 40)
            _ = try replica.create("departments", ["name": .text("销售部")])
            let events = EventLog()
            let summary = try await client(replica, testOptions { $0.onEvent = events.handler }).sync()
            #expect(events.all.contains(.lostHistory(cursor: 40, head: 0)))
            #expect(summary.pushed == 2 && summary.cursor == 2)
            #expect(try replica.outboxCount() == 0)
            #expect(try replica.cursor() == 2)
        }
    }

    @Test("a cursor another process moves on while the welcome is under way is not taken for lost history")
    func cursorMovedDuringHelloIsNoLostHistory() async throws {
        try await withDaemon { daemon in
            let other = daemon.replica("other", department: "planning")
            _ = try other.create("departments", ["name": .text("计划部")])
            _ = try await client(other).sync()
            let head = daemon.log.head()
            let laptop = daemon.replica("laptop", department: "sales")
            // As the welcome (naming `head`) passes, a watcher on the same file applies a commit
            // made meanwhile: the cursor is past the head the welcome names.
            let proxy = try await DroppingProxy.start(to: daemon.port) { line in
                if line.contains("\"type\":\"welcome\"") { try? laptop.applyRemote([], cursor: head + 1) }
                return false
            }
            defer { Task { await proxy.stop() } }
            let events = EventLog()
            let summary = try await client(laptop, plainOptions { $0.onEvent = events.handler; $0.server = ServerAddress(host: "127.0.0.1", port: proxy.port) }).sync()
            #expect(!events.all.contains { if case .lostHistory = $0 { true } else { false } })
            #expect(summary.cursor == head + 1)
            #expect(try laptop.cursor() == head + 1)
        }
    }

    @Test("a replica holding ops the restored daemon lost says so after reading the whole log, and keeps checking")
    func restoredDaemonLacksOthersOps() async throws {
        try await withDaemon { daemon in
            let replica = daemon.replica("holder", department: "sales")
            let lost = Op(collection: "departments", row: UUID().uuidString.lowercased(), field: Op.deletedField, kind: .set, node: "gone-laptop", seq: 1,
                          hlc: HLCTimestamp(raw: 1 << 16), value: .bool(false), context: VersionVector(), department: "planning", log: 1)
            try replica.applyRemote([lost], cursor: 1)
            try replica.resetCursor(to: 0)
            let error = await failure { _ = try await client(replica).sync() }
            guard case .lostHistory(let missing, let nodes)? = error else { Issue.record("expected lostHistory, got \(String(describing: error))"); return }
            #expect(missing == 1 && nodes == ["gone-laptop"])
            #expect(try replica.cursor() == 0)       // the next sync checks again
        }
    }

    @Test("a clock close to the server's is not reported")
    func noDrift() async throws {
        try await withDaemon { daemon in
            let events = EventLog()
            _ = try await client(daemon.replica("good-clock", department: "hr"), testOptions { $0.onEvent = events.handler }).sync()
            #expect(!events.all.contains { if case .clockDrift = $0 { true } else { false } })
        }
    }
}
