import Foundation
import SyncModel
import SyncProtocol
import Testing
@testable import SyncServer

/// A log whose commits take a while and say when they start, to catch the daemon mid-commit.
final class SlowLog: ForwardingLog, @unchecked Sendable {
    let inner: MemoryServerLog
    let commitStarted = Flag()
    let delay: TimeInterval

    init(inner: MemoryServerLog, delay: TimeInterval) {
        self.inner = inner
        self.delay = delay
    }

    func commit(_ push: PendingPush, schema: Schema, wallMilliseconds: UInt64, maxSkewMilliseconds: UInt64) throws -> LogCommit {
        commitStarted.set()
        Thread.sleep(forTimeInterval: delay)
        return try inner.commit(push, schema: schema, wallMilliseconds: wallMilliseconds, maxSkewMilliseconds: maxSkewMilliseconds)
    }
}

@Suite("Graceful shutdown", .serialized)
struct ShutdownTests {
    @Test func theCommitInProgressIsFinishedAndAcknowledgedThenEveryoneIsClosed() async throws {
        let memory = MemoryServerLog()
        memory.addToken(TestDaemon.salesToken, department: "sales")
        let slow = SlowLog(inner: memory, delay: 0.5)
        let daemon = try await TestDaemon.start(storage: slow)
        let pusher = try await daemon.session(node: "pusher")
        let bystander = try await daemon.session(node: "bystander")
        try await pusher.send(.push(Push(id: 1, ops: Ops.create(node: "pusher", seq: 1, row: "r", name: "n"))))
        while !slow.commitStarted.isSet { try await Task.sleep(for: .milliseconds(5)) }

        await daemon.stop()

        guard case .ack(let ack) = try await pusher.message() else { Issue.record("the commit in progress was not acknowledged"); return }
        #expect(ack.accepted == 2)
        #expect(errorCode(try await pusher.message()) == .shuttingDown)
        #expect(try await pusher.closedAfterDraining())
        #expect(errorCode(try await bystander.message()) == .shuttingDown)
        #expect(try await bystander.closedAfterDraining())
        #expect(memory.head() == 2)
        // No longer accepting.
        await #expect(throws: (any Error).self) { _ = try await LineClient.connect(port: daemon.port) }
    }
}
