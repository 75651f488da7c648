@testable import SyncClient
import SyncModel
import Testing

/// A daemon configured for fewer ops per push than the client sends (`--max-ops-per-push`)
/// refuses with `too_many_ops`, naming its limit; the client then sends pushes that fit.
@Suite("push limit", .timeLimit(.minutes(1)))
struct PushLimitTests {
    @Test func aClientSplitsItsPushesToTheDaemonsLimit() async throws {
        try await withDaemon(configure: { $0.maxOpsPerPush = 5 }) { daemon in
            let laptop = daemon.replica("laptop", department: "planning")
            let id = try laptop.create("projects", ["name": .text("P")])
            for _ in 0..<12 { try laptop.inc("projects", id, "budget_spent", by: 1) }
            let summary = try await client(laptop).sync()
            #expect(summary.pushed == 14)
            #expect(try laptop.outboxCount() == 0)
            #expect(try daemon.log.head() == 14)
        }
    }

    @Test func aWatcherSplitsABurstOfLocalEditsToTheDaemonsLimit() async throws {
        try await withDaemon(configure: { $0.maxOpsPerPush = 3 }) { daemon in
            let laptop = daemon.replica("laptop", department: "planning")
            let watching = Task { try await client(laptop).watch() }
            defer { watching.cancel() }
            try await Task.sleep(for: .milliseconds(300))
            let id = try laptop.create("projects", ["name": .text("P")])
            for _ in 0..<10 { try laptop.inc("projects", id, "budget_spent", by: 1) }
            #expect(try await eventually { try laptop.outboxCount() == 0 && daemon.log.head() == 12 })
            watching.cancel()
            _ = await watching.result
        }
    }

    @Test func theLimitIsReadFromTheRefusal() {
        #expect(TooManyOps.limit(in: "a push may carry at most 5 ops, this one has 14; split it") == 5)
        #expect(TooManyOps.limit(in: "a push may carry at most ops") == nil)
        #expect(TooManyOps.limit(in: "something else") == nil)
    }
}
