import Foundation
import NIOCore
import SyncModel
import SyncProtocol
import Testing
@testable import SyncServer

/// Issue 10, part 7: a subscriber that froze (sleep, a dead network path) neither reads nor
/// sends; it must not keep its connection slot.
@Suite("Frozen subscribers", .serialized, .timeLimit(.minutes(3)))
struct FrozenSubscriberTests {
    /// A client past hello, subscribed and caught up, that then stops reading and sending.
    private func frozenSubscriber(_ daemon: TestDaemon, node: String) async throws -> LineClient {
        let client = try await daemon.session(node: node)
        client.subscriptionID = 1
        try await client.send(.subscribe(Subscribe(id: 1, since: 0)))
        // A generous bound: the whole suite runs in parallel on a small, loaded machine.
        guard case .changes(let caughtUp) = try await client.message(timeout: .seconds(45)), !caughtUp.more else { throw LineClient.Timeout(waitingFor: "the catch-up") }
        // With a short subscriber timeout on a loaded machine the daemon may already have closed
        // the silent subscriber: it is frozen out all the same.
        do { try await client.setReading(false) } catch ChannelError.ioOnClosedChannel {}
        return client
    }

    /// Tries to connect and say hello until welcomed or `seconds` pass; whether it got in.
    private func admitted(_ daemon: TestDaemon, node: String, within seconds: Int) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let client = try await daemon.client()
            defer { Task { await client.close() } }
            // While the slots are taken the daemon refuses and closes, so the hello may meet a
            // closed socket: a refusal too.
            do {
                try await client.send(.hello(Hello(node: node, token: TestDaemon.salesToken, schema: 1)))
                if case .welcome = try await client.message(timeout: .seconds(2)) { return true }
            } catch {}
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func twoFrozenSubscribersDoNotLockOthersOut() async throws {
        let timeout = Duration.seconds(10)
        let daemon = try await TestDaemon.start {
            $0.maxConnections = 2
            $0.subscriberTimeout = .seconds(10)
        }
        let start = ContinuousClock.now
        let frozen = [try await frozenSubscriber(daemon, node: "asleep-1"), try await frozenSubscriber(daemon, node: "asleep-2")]
        // Both slots are taken right now, unless setting them up on a loaded machine took so long
        // that the first one's timeout is already near (then the daemon may have freed it).
        if ContinuousClock.now - start < timeout * 0.6 {
            let early = try await daemon.client()
            #expect(errorCode(try await early.message(timeout: .seconds(3))) == .tooManyConnections)
            await early.close()
        }
        // …and free again soon after the subscriber timeout.
        #expect(try await admitted(daemon, node: "awake", within: 40))
        for client in frozen { await client.close() }
        await daemon.stop()
    }

    @Test func frozenSubscriberIsClosedWhileOpsKeepFlowing() async throws {
        let daemon = try await TestDaemon.start {
            $0.maxConnections = 2
            $0.subscriberTimeout = .milliseconds(400)
        }
        let frozen = try await frozenSubscriber(daemon, node: "asleep")
        let writer = try await daemon.session(node: "writer")
        // Pushes of large texts fill the frozen peer's socket buffers, then the daemon stops
        // writing to it (it lags) instead of buffering without end, and closes it at the timeout.
        let text = String(repeating: "x", count: 60_000)
        var seq: UInt64 = 1
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .milliseconds(1_500) {
            let ops = (0..<20).map { i in Ops.name(node: "writer", seq: seq + UInt64(i), row: "p\(seq + UInt64(i))", name: text) }
            guard case .ack = try await writer.push(id: Int64(seq), ops) else { Issue.record("push refused"); return }
            seq += 20
        }
        #expect(try await writer.ping(id: 1))
        // The writer keeps its slot: only the frozen subscriber's can free one.
        #expect(try await admitted(daemon, node: "awake", within: 10))
        await writer.close()
        await frozen.close()
        await daemon.stop()
    }

    @Test func subscriberThatPingsStays() async throws {
        // Generous against a loaded machine (other suites share the event loops and the cores):
        // pings every 300 ms, a timeout of 3 s, for 6 s in all.
        let daemon = try await TestDaemon.start { $0.subscriberTimeout = .seconds(3) }
        let watcher = try await daemon.session(node: "watcher")
        watcher.subscriptionID = 1
        try await watcher.send(.subscribe(Subscribe(id: 1, since: 0)))
        _ = try await watcher.message()
        let start = ContinuousClock.now
        var id: Int64 = 2
        while ContinuousClock.now - start < .seconds(6) {
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await watcher.ping(id: id))
            id += 1
        }
        await watcher.close()
        await daemon.stop()
    }
}
