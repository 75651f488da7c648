import Foundation
import SyncClient
import Planning
import SyncModel
import SyncServer
import Testing

@Suite("watch", .timeLimit(.minutes(1)))
struct WatchTests {
    @Test("watch applies what another client pushes and pushes its own writes")
    func liveBothWays() async throws {
        try await withDaemon { daemon in
            let watcher = daemon.replica("watcher", department: "sales")
            let other = daemon.replica("other", department: "planning")
            let events = EventLog()
            let watching = Task { try await client(watcher, testOptions { $0.onEvent = events.handler }).watch() }
            defer { watching.cancel() }

            let id = try other.create("meetings", ["title": .text("周会")])
            _ = try await client(other).sync()
            #expect(try await eventually { watcher.row("meetings", id) != nil })

            try watcher.add("meetings", id, "attendees", "sales")
            #expect(try await eventually { try watcher.outboxCount() == 0 })
            _ = try await client(other).sync()
            #expect(try other.stateHash() == watcher.stateHash())

            watching.cancel()
            try await watching.value                      // returns once cancelled
            #expect(events.all.contains { if case .applied = $0 { true } else { false } })
            // The meeting's two ops came from the other replica; the watcher's own add, coming
            // back, is applied but not counted as from others.
            let fromOthers = events.all.reduce(0) { if case .applied(_, let n, _) = $1 { $0 + n } else { $0 } }
            let all = events.all.reduce(0) { if case .applied(let n, _, _) = $1 { $0 + n } else { $0 } }
            #expect(fromOthers == 2)
            #expect(all == 3)
        }
    }

    @Test("a watcher that fell behind applies the changes waiting for it together")
    func slowWatcherCoalescesWaitingChanges() async throws {
        try await withDaemon { daemon in
            let watcher = daemon.replica("watcher", department: "sales")
            let writer = daemon.replica("writer", department: "planning")
            let row = try writer.create("risks", ["description": .text("0")])
            _ = try await client(writer).sync()
            // On a queue of its own: the stalled apply below blocks that thread, not one of the
            // cooperative pool's, which the writer and every other test need meanwhile.
            let watching = Task(executorPreference: QueueExecutor(label: "stalled-watcher")) { try await client(watcher).watch() }
            defer { watching.cancel() }
            #expect(try await eventually { try watcher.cursor() == daemon.log.head() })

            // A stalled disk: the watcher's next apply waits while 10 commits are made, one per sync.
            let before = watcher.appliedBatches
            let gate = DispatchSemaphore(value: 0)
            watcher.applyGate = gate
            let commits = 10
            for n in 1...commits {
                try writer.set("risks", row, "description", .text("\(n)"))
                _ = try await client(writer).sync()
            }
            try await Task.sleep(for: .milliseconds(300))   // the last changes reach the watcher's socket
            gate.signal()
            #expect(try await eventually { try watcher.cursor() == daemon.log.head() })
            let transactions = watcher.appliedBatches - before
            #expect(transactions < commits, "\(commits) commits took \(transactions) transactions")
            #expect(watcher.canonicalForm() == writer.canonicalForm())
            watching.cancel()
            try await watching.value
        }
    }

    @Test("watch reconnects after the daemon restarts and resumes from its cursor")
    func reconnects() async throws {
        let log = MemoryServerLog()
        var daemon = try await TestDaemon.start(log: log)
        let port = daemon.port
        let watcher = daemon.replica("watcher", department: "sales")
        let other = daemon.replica("other", department: "planning")
        let events = EventLog()
        let watching = Task { try await client(watcher, testOptions { $0.onEvent = events.handler }).watch() }
        defer { watching.cancel() }

        let first = try other.create("risks", ["description": .text("供应延迟")])
        _ = try await client(other).sync()
        #expect(try await eventually { watcher.row("risks", first) != nil })

        await daemon.stop()
        #expect(try await eventually { events.all.contains { if case .disconnected = $0 { true } else { false } } })
        let second = try other.create("risks", ["description": .text("预算超支")])
        daemon = try await TestDaemon.start(log: log, port: port)
        _ = try await client(other).sync()
        #expect(try await eventually { watcher.row("risks", second) != nil })
        #expect(try watcher.cursor() == log.head())

        watching.cancel()
        try await watching.value
        await daemon.stop()
    }

    @Test("watch retries a connection closed before welcome (a daemon restarting, a proxy with none behind it)")
    func retriesACloseBeforeWelcome() async throws {
        try await withDaemon { daemon in
            // The proxy cuts the first welcome: the client sees the close a TLS port would give.
            let proxy = try await DroppingProxy.start(to: daemon.port, rule: CutAt(1, linesContaining: "\"type\":\"welcome\"").rule)
            defer { Task { await proxy.stop() } }
            let watcher = daemon.replica("watcher", department: "sales", server: proxy.address)
            let other = daemon.replica("other", department: "planning")
            let row = try other.create("risks", ["description": .text("供应延迟")])
            _ = try await client(other).sync()
            let events = EventLog()
            let watching = Task { try await client(watcher, plainOptions { $0.onEvent = events.handler }).watch() }
            defer { watching.cancel() }
            #expect(try await eventually { watcher.row("risks", row) != nil })
            let lost = events.all.compactMap { event -> SyncClientError? in
                if case .disconnected(let error, _) = event { return error }
                return nil
            }
            guard case .network(.closed, let message)? = lost.first else { Issue.record("expected a lost connection first, got \(lost)"); return }
            #expect(message.contains("before welcome") && message.contains("TLS port"), "\(message)")
            watching.cancel()
            try await watching.value
        }
    }

    @Test("a refusal that retrying cannot fix ends watch with the error")
    func fatalRefusal() async throws {
        try await withDaemon { daemon in
            let replica = MemoryReplica(node: "intruder", department: "sales", server: daemon.address, token: "wrong",
                                        schema: PlanningSchema.schema)
            let error = await failure { try await client(replica).watch() }
            #expect(error?.serverCode == .authFailed)
        }
    }
}
