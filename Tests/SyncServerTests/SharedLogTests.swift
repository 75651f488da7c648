import Foundation
import Planning
import SyncModel
import SyncProtocol
import Testing
@testable import SyncServer

/// A shared log whose watch never wakes: the daemon over it learns of the other daemons' commits
/// only at its own commits and hellos (a LISTEN connection that lost every notification).
final class DeafLog: ForwardingLog, SharedLogStorage, @unchecked Sendable {
    let inner: MemoryServerLog

    init(inner: MemoryServerLog) { self.inner = inner }

    func horizon() throws -> UInt64 { inner.horizon() }

    func watchCommits(_ wake: @escaping @Sendable () -> Void) throws -> any CommitWatch { Deaf() }

    private struct Deaf: CommitWatch {
        func cancel() {}
    }
}

/// Issue 16: several daemons on one log. Each daemon must deliver every position, whichever
/// daemon committed it, to its subscribers exactly once and in order.
@Suite("Several daemons on one log", .serialized, .timeLimit(.minutes(2)))
struct SharedLogTests {
    /// Two daemons over one in-memory log, both knowing the fixed tokens.
    static func pair(_ configure: (inout SyncDaemon.Configuration) -> Void = { _ in }) async throws -> (TestDaemon, TestDaemon) {
        let log = MemoryServerLog()
        let a = try await TestDaemon.start(storage: log, configure)
        let b = try await TestDaemon.start(storage: log, configure)
        return (a, b)
    }

    /// A session subscribed from `since`, past its catch-up; returns it and the positions the
    /// catch-up carried.
    static func subscriber(_ daemon: TestDaemon, node: String, token: String = TestDaemon.salesToken, since: UInt64 = 0,
                           id: Int64 = 1) async throws -> (LineClient, [UInt64]) {
        let watcher = try await daemon.session(node: node, token: token)
        watcher.subscriptionID = id
        try await watcher.send(.subscribe(Subscribe(id: id, since: since)))
        var positions: [UInt64] = []
        while true {
            guard case .changes(let changes) = try await watcher.message(), changes.id == id else { throw Failure("no catch-up") }
            positions += changes.ops.compactMap(\.log)
            if !changes.more { return (watcher, positions) }
        }
    }

    /// The positions a subscription delivers until it has `count` of them.
    static func positions(_ watcher: LineClient, count: Int, already: [UInt64] = []) async throws -> [UInt64] {
        var positions = already
        while positions.count < count {
            guard case .changes(let changes) = try await watcher.message() else { throw Failure("not changes") }
            positions += changes.ops.compactMap(\.log)
        }
        return positions
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test func aCommitOnOneDaemonReachesTheOthersSubscriberWithoutAnyRequestThere() async throws {
        let (a, b) = try await SharedLogTests.pair()
        let (watcher, caughtUp) = try await SharedLogTests.subscriber(b, node: "watcher")
        #expect(caughtUp.isEmpty)
        let writer = try await a.session(node: "writer")
        for round in 0..<3 {
            let started = ContinuousClock.now
            let ops = Ops.create(node: "writer", seq: UInt64(2 * round + 1), row: "p\(round)", name: "x")
            guard case .ack(let ack) = try await writer.push(id: Int64(round), ops), ack.accepted == 2 else { Issue.record("push refused"); return }
            guard case .changes(let live) = try await watcher.message(timeout: .seconds(10)) else { Issue.record("no changes on B"); return }
            // Generous: the wake makes it milliseconds; without one it would never come.
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(live.ops.compactMap(\.log) == [UInt64(2 * round + 1), UInt64(2 * round + 2)])
            #expect(live.next == ack.head && !live.more)
        }
        await a.stop()
        await b.stop()
    }

    @Test func everyPositionReachesEverySubscriberOnceInOrderWhileBothDaemonsCommit() async throws {
        let (a, b) = try await SharedLogTests.pair { $0.maxPullLimit = 16 }
        let (onA, fromA) = try await SharedLogTests.subscriber(a, node: "watcher-a")
        let (onB, fromB) = try await SharedLogTests.subscriber(b, node: "watcher-b")
        let writersPerDaemon = 3, batches = 10, perBatch = 5
        let total = 2 * writersPerDaemon * batches * perBatch
        let late = LateSubscriber()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (d, daemon) in [a, b].enumerated() {
                for w in 0..<writersPerDaemon {
                    group.addTask {
                        let node = "writer-\(d)-\(w)"
                        let client = try await daemon.session(node: node, token: w % 2 == 0 ? TestDaemon.salesToken : TestDaemon.rndToken)
                        for batch in 0..<batches {
                            let ops = (0..<perBatch).map { i in
                                Ops.name(node: node, seq: UInt64(batch * perBatch + i + 1), row: "\(node)-\(batch)-\(i)")
                            }
                            guard case .ack(let ack) = try await client.push(id: Int64(batch), ops), ack.accepted == perBatch else {
                                throw Failure("push refused")
                            }
                        }
                        await client.close()
                    }
                }
            }
            // A subscriber registered on B while both daemons commit.
            group.addTask {
                try await Task.sleep(for: .milliseconds(20))
                late.set(try await SharedLogTests.subscriber(b, node: "watcher-late", id: 7))
            }
            try await group.waitForAll()
        }
        let expected = (1...UInt64(total)).map { $0 }
        #expect(try await SharedLogTests.positions(onA, count: total, already: fromA) == expected)
        #expect(try await SharedLogTests.positions(onB, count: total, already: fromB) == expected)
        let (lateWatcher, lateCaughtUp) = try #require(late.value)
        #expect(try await SharedLogTests.positions(lateWatcher, count: total, already: lateCaughtUp) == expected)
        // Pulls through either daemon see the one log.
        for daemon in [a, b] {
            let reader = try await daemon.session(node: "reader")
            #expect(try await reader.pullAll(limit: 7).compactMap(\.log) == expected)
        }
        await a.stop()
        await b.stop()
    }

    @Test func aSubscriberOfPartOfTheLogGetsItsOpsFromBothDaemonsOnceInOrder() async throws {
        let (a, b) = try await SharedLogTests.pair { $0.rules = AccessRulesDaemonTests.rules }
        let (sales, _) = try await SharedLogTests.subscriber(b, node: "sales-watcher")
        let (rnd, _) = try await SharedLogTests.subscriber(b, node: "rnd-watcher", token: TestDaemon.rndToken, id: 2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // rnd on A: incentives (hidden from sales) between projects.
                let writer = try await a.session(node: "rnd-laptop", token: TestDaemon.rndToken)
                for batch in 0..<10 {
                    let seq = UInt64(2 * batch + 1)
                    let ops = batch % 2 == 0 ? AccessRulesDaemonTests.incentive(node: "rnd-laptop", seq: seq)
                                             : Ops.create(node: "rnd-laptop", seq: seq, row: "rnd-\(batch)", name: "r")
                    guard case .ack = try await writer.push(id: Int64(batch), ops) else { throw Failure("push refused") }
                }
            }
            group.addTask {
                let writer = try await b.session(node: "sales-laptop")
                for batch in 0..<10 {
                    let ops = Ops.create(node: "sales-laptop", seq: UInt64(2 * batch + 1), row: "sales-\(batch)", name: "s")
                    guard case .ack = try await writer.push(id: Int64(batch), ops) else { throw Failure("push refused") }
                }
            }
            try await group.waitForAll()
        }
        let all = try a.log.ops(since: 0, limit: 1_000)
        let readable = all.filter { $0.collection != "incentives" }.compactMap(\.log)
        #expect(all.count == 40 && readable.count == 30)
        #expect(try await SharedLogTests.positions(sales, count: readable.count) == readable)
        #expect(try await SharedLogTests.positions(rnd, count: all.count) == (1...40).map { $0 })
        await a.stop()
        await b.stop()
    }

    @Test func aLocalCommitAfterAnUnannouncedForeignOneDeliversTheGapFirst() async throws {
        let log = MemoryServerLog()
        let a = try await TestDaemon.start(storage: DeafLog(inner: log))
        let b = try await TestDaemon.start(storage: log)
        let (pusher, caughtUp) = try await SharedLogTests.subscriber(a, node: "pusher")
        #expect(caughtUp.isEmpty)
        let other = try await b.session(node: "other")
        guard case .ack = try await other.push(id: 1, Ops.create(node: "other", seq: 1, row: "p1", name: "b")) else { Issue.record("push refused"); return }

        // A was never woken; its next commit starts at 3 and must first send 1 and 2, all before its ack.
        try await pusher.send(.push(Push(id: 2, ops: Ops.create(node: "pusher", seq: 1, row: "p2", name: "a"))))
        guard case .changes(let gap) = try await pusher.message() else { Issue.record("no gap changes"); return }
        guard case .changes(let own) = try await pusher.message() else { Issue.record("no own changes"); return }
        guard case .ack(let ack) = try await pusher.message() else { Issue.record("no ack"); return }
        #expect(gap.ops.compactMap(\.log) == [1, 2] && gap.ops.allSatisfy { $0.node == "other" })
        #expect(own.ops.compactMap(\.log) == [3, 4] && own.ops.allSatisfy { $0.node == "pusher" })
        #expect(ack.accepted == 2 && ack.head == 4)
        await a.stop()
        await b.stop()
    }

    @Test func aHelloThatSeesAHigherHeadCatchesUpAndPullsReachIt() async throws {
        let log = MemoryServerLog()
        let a = try await TestDaemon.start(storage: DeafLog(inner: log))
        let b = try await TestDaemon.start(storage: log)
        let (watcher, _) = try await SharedLogTests.subscriber(a, node: "watcher")
        // A serves a pull from its recent ops, which end at 2.
        let early = try await a.session(node: "early")
        guard case .ack = try await early.push(id: 1, Ops.create(node: "early", seq: 1, row: "p1", name: "a")) else { Issue.record("push refused"); return }
        let other = try await b.session(node: "other")
        guard case .ack = try await other.push(id: 1, Ops.create(node: "other", seq: 1, row: "p2", name: "b")) else { Issue.record("push refused"); return }

        // A's welcome reads the head B made; its pull does not stop at A's recent ops.
        let reader = try await a.client()
        let welcome = try await reader.hello(token: TestDaemon.salesToken, node: "reader")
        #expect(welcome.head == 4)
        #expect(try await reader.pullAll(since: 2).compactMap(\.log) == [3, 4])
        // The hello also had A deliver B's ops to its subscriber.
        #expect(try await SharedLogTests.positions(watcher, count: 4) == [1, 2, 3, 4])
        await a.stop()
        await b.stop()
    }

    @Test func aPullDoesNotStopAtTheRecentOpsWhenAHigherHeadIsKnown() async throws {
        // A sees the log as a plain ServerLogStorage: no wake and no catch-up, so its recent ops
        // stay at 2 while the log reaches 4; only the head its welcome read says so.
        let log = MemoryServerLog()
        let a = try await TestDaemon.start(storage: CountingLog(inner: log))
        let b = try await TestDaemon.start(storage: log)
        let early = try await a.session(node: "early")
        guard case .ack = try await early.push(id: 1, Ops.create(node: "early", seq: 1, row: "p1", name: "a")) else { Issue.record("push refused"); return }
        let other = try await b.session(node: "other")
        guard case .ack = try await other.push(id: 1, Ops.create(node: "other", seq: 1, row: "p2", name: "b")) else { Issue.record("push refused"); return }

        let reader = try await a.client()
        #expect(try await reader.hello(token: TestDaemon.salesToken, node: "reader").head == 4)
        #expect(try await reader.pullAll(since: 2).compactMap(\.log) == [3, 4])
        #expect(try await reader.pullAll(since: 0).compactMap(\.log) == [1, 2, 3, 4])
        await a.stop()
        await b.stop()
    }

    @Test func aLogCompactedPastWhatADaemonDeliveredClosesItsSubscribersBehindAndGoesOn() async throws {
        let log = MemoryServerLog()
        let a = try await TestDaemon.start(storage: DeafLog(inner: log))
        let b = try await TestDaemon.start(storage: log)
        let (behind, _) = try await SharedLogTests.subscriber(a, node: "behind")
        let other = try await b.session(node: "other")
        for batch in 0..<3 {
            let ops = Ops.create(node: "other", seq: UInt64(2 * batch + 1), row: "p\(batch)", name: "b")
            guard case .ack = try await other.push(id: Int64(batch), ops) else { Issue.record("push refused"); return }
            if batch == 1 { try log.compact(through: 4, schema: PlanningSchema.schema) }
        }

        // A, never woken, commits: positions 1…4 are gone from the log, 5 and 6 are not.
        let pusher = try await a.session(node: "pusher")
        guard case .ack(let ack) = try await pusher.push(id: 1, Ops.create(node: "pusher", seq: 1, row: "q", name: "a")) else {
            Issue.record("push refused"); return
        }
        #expect(ack.head == 8)
        // The subscriber at 0 cannot be fed from a compacted log: it is closed, and a
        // resubscription from 0 gets snapshot_required; one from the horizon gets the rest once.
        #expect(try await behind.closedAfterDraining())
        let (after, caughtUp) = try await SharedLogTests.subscriber(a, node: "after", since: 4)
        #expect(caughtUp == [5, 6, 7, 8])
        let again = try await a.session(node: "again")
        try await again.send(.subscribe(Subscribe(id: 1, since: 0)))
        #expect(errorCode(try await again.message()) == .snapshotRequired)
        guard case .ack = try await pusher.push(id: 2, Ops.create(node: "pusher", seq: 3, row: "r", name: "a")) else { Issue.record("push refused"); return }
        #expect(try await SharedLogTests.positions(after, count: 6, already: caughtUp) == [5, 6, 7, 8, 9, 10])
        await a.stop()
        await b.stop()
    }

    @Test func wakesCoalesceIntoOneQueuedReadAndAWakeDuringTheReadQueuesAnother() {
        let watermark = LogWatermark()
        #expect(watermark.claimCatchUp())
        #expect(!watermark.claimCatchUp())      // one read is queued: this wake is covered by it
        watermark.catchUpStarted()
        #expect(watermark.claimCatchUp())       // the read began, maybe before this commit: read again
        #expect(watermark.noteHead(5) && !watermark.noteHead(3) && watermark.knownHead == 5)
    }

    @Test func oneNodePushingTheSameOpsToBothDaemonsAtOnceIsAdmittedOnce() async throws {
        let (a, b) = try await SharedLogTests.pair()
        let (watcher, _) = try await SharedLogTests.subscriber(b, node: "watcher")
        let onA = try await a.session(node: "laptop")
        let onB = try await b.session(node: "laptop")
        let batches = 20, perBatch = 5
        var accepted = 0, duplicates = 0
        for batch in 0..<batches {
            let ops = (0..<perBatch).map { i in Ops.name(node: "laptop", seq: UInt64(batch * perBatch + i + 1), row: "r\(batch)-\(i)") }
            async let first = onA.push(id: Int64(batch), ops)
            async let second = onB.push(id: Int64(batch), ops)
            for reply in try await [first, second] {
                guard case .ack(let ack) = reply else { Issue.record("refused: \(reply)"); return }
                accepted += ack.accepted
                duplicates += ack.duplicates
            }
        }
        let total = batches * perBatch
        #expect(accepted == total && duplicates == total)
        let log = a.log
        #expect(log.head() == UInt64(total) && log.lastSeq(of: "laptop") == UInt64(total))
        let ops = try log.ops(since: 0, limit: 10 * total)
        #expect(ops.map(\.seq) == (1...UInt64(total)).map { $0 })
        #expect(try await SharedLogTests.positions(watcher, count: total) == (1...UInt64(total)).map { $0 })
        await a.stop()
        await b.stop()
    }
}

/// The late subscriber of a test, set from a child task.
private final class LateSubscriber: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (LineClient, [UInt64])?

    var value: (LineClient, [UInt64])? { lock.withLock { stored } }
    func set(_ value: (LineClient, [UInt64])) { lock.withLock { stored = value } }
}
