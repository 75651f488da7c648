import Foundation
import SyncModel
import SyncProtocol
import Testing
@testable import SyncServer

@Suite("Daemon over loopback sockets", .serialized)
struct DaemonTests {
    @Test func manyWritersAndSubscribersSeeOneLogExactlyOnceInOrder() async throws {
        let daemon = try await TestDaemon.start { $0.maxPullLimit = 16 }
        let early = try await daemon.session(node: "watcher-early", token: TestDaemon.rndToken)
        early.subscriptionID = 1
        try await early.send(.subscribe(Subscribe(id: 1, since: 0)))
        guard case .changes(let caughtUp) = try await early.message() else { Issue.record("no catch-up"); return }
        #expect(caughtUp.ops.isEmpty && !caughtUp.more && caughtUp.next == 0)

        let writers = 5, batches = 10, perBatch = 5
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    let node = "writer-\(w)"
                    let client = try await daemon.session(node: node, token: w % 2 == 0 ? TestDaemon.salesToken : TestDaemon.rndToken)
                    var seq: UInt64 = 1
                    var firstBatch: [Op] = []
                    for b in 0..<batches {
                        let ops = (0..<perBatch).map { i in Ops.name(node: node, seq: seq + UInt64(i), row: "w\(w)-\(b)-\(i)") }
                        if b == 0 { firstBatch = ops }
                        let reply = try await client.push(id: Int64(b), ops)
                        guard case .ack(let ack) = reply, ack.id == Int64(b), ack.accepted == perBatch, ack.duplicates == 0 else {
                            throw LineClient.Unexpected(reply)
                        }
                        seq += UInt64(perBatch)
                    }
                    // The same batch again is all duplicates, changes nothing.
                    let again = try await client.push(id: 99, firstBatch)
                    guard case .ack(let ack) = again else { throw LineClient.Unexpected(again) }
                    #expect(ack.duplicates == perBatch)
                    #expect(ack.accepted == 0)
                    await client.close()
                }
            }
            try await group.waitForAll()
        }
        let total = writers * batches * perBatch

        // A late subscriber catches up from the middle, in pages.
        let late = try await daemon.session(node: "watcher-late")
        late.subscriptionID = 5
        try await late.send(.subscribe(Subscribe(id: 5, since: 100)))
        for (watcher, from) in [(early, 0), (late, 100)] {
            var positions: [UInt64] = []
            var cursor = UInt64(from)
            while positions.count < total - from {
                guard case .changes(let changes) = try await watcher.message() else { Issue.record("not changes"); return }
                #expect(changes.id == watcher.subscriptionID)
                positions += changes.ops.compactMap(\.log)
                #expect(changes.next >= cursor)
                cursor = changes.next
            }
            #expect(positions == (UInt64(from + 1)...UInt64(total)).map { $0 })
        }

        // Pull in small pages until more is false.
        let reader = try await daemon.session(node: "reader")
        let ops = try await reader.pullAll(limit: 7)
        #expect(ops.count == total)
        #expect(ops.map(\.log) == (1...UInt64(total)).map { $0 })
        // The department comes from each writer's token, never from the op.
        for op in ops {
            let writer = Int(op.node.split(separator: "-").last.map(String.init) ?? "") ?? -1
            #expect(op.department == (writer % 2 == 0 ? "sales" : "rnd"))
        }
        // Each node's ops are in seq order in the log.
        for w in 0..<writers {
            #expect(ops.filter { $0.node == "writer-\(w)" }.map(\.seq) == (1...UInt64(batches * perBatch)).map { $0 })
        }
        await daemon.stop()
    }

    @Test func aSubscriberThatStopsReadingNeitherStallsOthersNorMissesOps() async throws {
        let daemon = try await TestDaemon.start()
        let slow = try await daemon.session(node: "slow")
        let fast = try await daemon.session(node: "fast")
        for (client, id) in [(slow, Int64(1)), (fast, Int64(2))] {
            client.subscriptionID = id
            try await client.send(.subscribe(Subscribe(id: id, since: 0)))
            _ = try await client.message()
        }
        try await slow.setReading(false)

        // About 12 MB of ops, more than the socket buffers hold.
        let writer = try await daemon.session(node: "writer")
        let text = String(repeating: "planning ", count: 450)
        let pushes = 150, perPush = 20
        var seq: UInt64 = 1
        for p in 0..<pushes {
            let ops = (0..<perPush).map { i in Ops.name(node: "writer", seq: seq + UInt64(i), row: "r\(p)-\(i)", name: text) }
            guard case .ack = try await writer.push(id: Int64(p), ops) else { Issue.record("push \(p) not acked"); return }
            seq += UInt64(perPush)
        }
        let total = UInt64(pushes * perPush)

        // The fast subscriber has everything while the slow one still reads nothing.
        var fastPositions: [UInt64] = []
        while fastPositions.count < Int(total) {
            guard case .changes(let changes) = try await fast.message() else { Issue.record("not changes"); return }
            fastPositions += changes.ops.compactMap(\.log)
        }
        #expect(fastPositions == Array(1...total))

        try await slow.setReading(true)
        var slowPositions: [UInt64] = []
        while slowPositions.count < Int(total) {
            guard case .changes(let changes) = try await slow.message() else { Issue.record("not changes"); return }
            slowPositions += changes.ops.compactMap(\.log)
        }
        #expect(slowPositions == Array(1...total))
        #expect(try await slow.ping(id: 9))
        await daemon.stop()
    }

    @Test func welcomeCarriesTheServerClockAndHead() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.client()
        let before = Ops.now
        let welcome = try await client.hello(token: TestDaemon.salesToken, node: "c1")
        #expect(welcome.department == "sales")
        #expect(welcome.head == 0)
        #expect(welcome.server == "plansyncd")
        #expect(welcome.time >= before)
        // An op from a clock ahead (within the skew) pushes the server clock past it.
        let ahead = try HLCTimestamp(milliseconds: before.milliseconds + 60_000, counter: 5)
        var op = Ops.name(node: "c1", seq: 1)
        op.hlc = ahead
        guard case .ack = try await client.push(id: 1, [op]) else { Issue.record("not acked"); return }
        let second = try await daemon.client()
        let later = try await second.hello(token: TestDaemon.rndToken, node: "c2")
        #expect(later.time > ahead)
        #expect(later.head == 1)
        await daemon.stop()
    }

    @Test func pullPagesAreCutBySize() async throws {
        let daemon = try await TestDaemon.start { $0.maxPageBytes = 64 * 1024 }
        let client = try await daemon.session(node: "big")
        let text = String(repeating: "lorem ipsum ", count: 2_000)   // ~24 KB per op
        var ops = Ops.create(node: "big", seq: 1, row: "r", name: "first")
        for seq in 3...10 { ops.append(Ops.name(node: "big", seq: UInt64(seq), row: "r", name: text, replaces: [Dot(node: "big", seq: UInt64(seq - 1))])) }
        guard case .ack(let ack) = try await client.push(id: 1, ops) else { Issue.record("not acked"); return }
        #expect(ack.accepted == 10)
        try await client.send(.pull(Pull(id: 2, since: 2, limit: 100)))
        guard case .changes(let page) = try await client.message() else { Issue.record("not changes"); return }
        #expect(page.ops.count < 8)
        #expect(page.more)
        #expect(try await client.pullAll(since: 0).count == 10)
        await daemon.stop()
    }

    @Test func pullsSendTheSameLinesFromRecentOpsAsFromStorage() async throws {
        var ops: [Op] = []
        for row in 0..<20 { ops += Ops.create(node: "w", seq: UInt64(2 * row + 1), row: "r\(row)", name: String(repeating: "n", count: row * 50)) }
        var lines: [[String]] = []
        for recentOpsBytes in [0, 1 << 20] {
            let daemon = try await TestDaemon.start {
                $0.recentOpsBytes = recentOpsBytes
                $0.maxPageBytes = 2_000
            }
            let client = try await daemon.session(node: "w")
            for (i, batch) in stride(from: 0, to: ops.count, by: 7).map({ Array(ops[$0..<min($0 + 7, ops.count)]) }).enumerated() {
                guard case .ack = try await client.push(id: Int64(i), batch) else { Issue.record("not acked"); return }
            }
            var seen: [String] = []
            for (since, limit) in [(0, 1000), (0, 3), (5, 10), (13, 1), (39, 5), (40, 5)] {
                try await client.send(#"{"type":"pull","id":99,"since":\#(since),"limit":\#(limit)}"#)
                guard case .line(let line) = try await client.next() else { Issue.record("no reply"); return }
                seen.append(line)
            }
            lines.append(seen)
            await client.close()
            await daemon.stop()
        }
        #expect(lines[0] == lines[1])
        #expect(lines[0].allSatisfy { $0.hasPrefix(#"{"id":99,"#) })
    }

    @Test func tooManyConnectionsIsRefusedAndTheOthersStay() async throws {
        let daemon = try await TestDaemon.start { $0.maxConnections = 2 }
        let a = try await daemon.session(node: "a")
        let b = try await daemon.session(node: "b")
        let c = try await daemon.client()
        let refusal = try await c.message()
        #expect(errorCode(refusal) == .tooManyConnections)
        #expect(try await c.closedAfterDraining())
        #expect(try await a.ping(id: 1))
        await b.close()
        // A slot frees up once a connection closes.
        var admitted = false
        for _ in 0..<100 where !admitted {
            let d = try await daemon.client()
            // While b's slot is still taken the daemon refuses d and closes it, so the hello may
            // meet a closed socket: that is a refusal too, and the next try follows.
            do {
                try await d.send(.hello(Hello(node: "d", token: TestDaemon.salesToken, schema: 1)))
                if case .welcome = try await d.message() { admitted = true }
            } catch {}
            if !admitted { try await Task.sleep(for: .milliseconds(20)) }
            await d.close()
        }
        #expect(admitted)
        await daemon.stop()
    }

    @Test func idleConnectionsAreClosedButSubscribersStay() async throws {
        // The watcher must subscribe within the idle timeout of its hello; 300 ms was too short on
        // two busy cores in CI (the watcher was closed as idle before its subscribe arrived).
        let daemon = try await TestDaemon.start { $0.idleTimeout = .seconds(1) }
        let idle = try await daemon.session(node: "idle")
        let watcher = try await daemon.session(node: "watcher")
        watcher.subscriptionID = 1
        try await watcher.send(.subscribe(Subscribe(id: 1, since: 0)))
        _ = try await watcher.message()
        let reply = try await idle.message(timeout: .seconds(5))
        #expect(errorCode(reply) == .idleTimeout)
        #expect(try await idle.closedAfterDraining())
        #expect(try await watcher.ping(id: 2))
        await daemon.stop()
    }

    @Test func revokedTokenIsRefusedAtTheNextHello() async throws {
        let daemon = try await TestDaemon.start()
        let token = daemon.log.addToken(department: "finance")
        let client = try await daemon.client()
        #expect(try await client.hello(token: token, node: "f1").department == "finance")
        daemon.log.revokeToken(token)
        let again = try await daemon.client()
        try await again.send(.hello(Hello(node: "f1", token: token, schema: 1)))
        #expect(errorCode(try await again.message()) == .authFailed)
        await daemon.stop()
    }
}
