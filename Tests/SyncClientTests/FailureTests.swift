import Foundation
import NIOCore
import NIOPosix
import Planning
import SyncClient
import SyncModel
import Testing

@Suite("failures lose nothing", .timeLimit(.minutes(1)))
struct FailureTests {
    @Test("a wrong token is refused with auth_failed and changes nothing")
    func wrongToken() async throws {
        try await withDaemon { daemon in
            let replica = MemoryReplica(node: "intruder", department: "sales", server: daemon.address, token: "not-a-token",
                                        schema: PlanningSchema.schema)
            try replica.create("departments", ["name": .text("x")])
            let error = await failure { _ = try await client(replica).sync() }
            #expect(error?.serverCode == .authFailed)
            #expect(error?.description.hasPrefix("server refused (auth_failed)") == true)
            #expect(try replica.outboxCount() == 2)
            #expect(daemon.log.head() == 0)
        }
    }

    @Test("a copied replica's push is refused with duplicate_dot and stays in the outbox")
    func copiedReplica() async throws {
        try await withDaemon { daemon in
            let original = daemon.replica("laptop", department: "sales")
            let copy = daemon.replica("laptop", department: "sales")     // same node id: a copied file
            try original.create("partners", ["name": .text("星河广告")])
            try copy.create("partners", ["name": .text("远山公关")])
            _ = try await client(original).sync()
            let error = await failure { _ = try await client(copy).sync() }
            #expect(error?.serverCode == .duplicateDot)
            #expect(try copy.outboxCount() == 2)
            #expect(daemon.log.head() == 2)
        }
    }

    @Test("pushes sent ahead of a refused one do not put a copied replica's ops in the log")
    func copiedReplicaWithPushesInFlight() async throws {
        try await withDaemon { daemon in
            let original = daemon.replica("laptop", department: "sales")
            let copy = daemon.replica("laptop", department: "sales")
            try original.create("partners", ["name": .text("星河广告")])
            for i in 0..<4 { try copy.create("partners", ["name": .text("远山公关 \(i)")]) }
            _ = try await client(original).sync()
            let options = testOptions {
                $0.pushBatchSize = 2
                $0.pushesInFlight = 4
            }
            let error = await failure { _ = try await client(copy, options).sync() }
            #expect(error?.serverCode == .duplicateDot)
            #expect(try copy.outboxCount() == 8)
            #expect(daemon.log.head() == 2)
        }
    }

    @Test("a port nobody listens on is a network error, not a hang")
    func refusedPort() async throws {
        let port = try await freePort()
        let replica = MemoryReplica(node: "lonely", department: "sales", server: "127.0.0.1:\(port)", token: "t",
                                    schema: PlanningSchema.schema)
        let error = await failure { _ = try await client(replica).sync() }
        guard case .network(.refused, _)? = error else { Issue.record("expected connection refused, got \(String(describing: error))"); return }
        #expect(error?.description.hasPrefix("network error (connection refused)") == true)
    }

    @Test("a server that accepts but never answers times out at the handshake timeout")
    func silentServer() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        let replica = MemoryReplica(node: "patient", department: "sales", server: "127.0.0.1:\(silent.localAddress?.port ?? 0)",
                                    token: "t", schema: PlanningSchema.schema)
        // The handshake has its own, shorter timeout than requests: a long request timeout does not delay this.
        let error = await failure { _ = try await client(replica, testOptions { $0.requestTimeout = .seconds(60); $0.handshakeTimeout = .milliseconds(300) }).sync() }
        guard case .network(.timedOut, _)? = error else { Issue.record("expected a timeout, got \(String(describing: error))"); return }
        #expect(error?.description.contains("welcome") == true)
    }

    @Test("another service on the port is a protocol error that quotes it")
    func notPlanSync() async throws {
        let http = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Greeter()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { http.close(promise: nil) }
        let replica = MemoryReplica(node: "lost", department: "sales", server: "127.0.0.1:\(http.localAddress?.port ?? 0)",
                                    token: "t", schema: PlanningSchema.schema)
        let error = await failure { _ = try await client(replica).sync() }
        guard case .protocolViolation(let text)? = error else { Issue.record("expected a protocol error, got \(String(describing: error))"); return }
        #expect(text.contains("HTTP/1.1 400 Bad Request"))
    }

    @Test("no server configured is a configuration error")
    func noServer() async throws {
        let replica = MemoryReplica(node: "offline", department: "sales", server: nil, token: nil, schema: PlanningSchema.schema)
        let error = await failure { _ = try await client(replica).sync() }
        guard case .configuration? = error else { Issue.record("expected a configuration error, got \(String(describing: error))"); return }
    }

    @Test("a lost ack: the resync sends the ops again, the daemon counts them as duplicates")
    func lostAck() async throws {
        try await withDaemon { daemon in
            let proxy = try await DroppingProxy.start(to: daemon.port, rule: CutAt(1, linesContaining: "\"type\":\"ack\"").rule)
            defer { Task { await proxy.stop() } }
            let writer = daemon.replica("writer", department: "planning", server: proxy.address)
            let id = try writer.create("projects", ["name": .text("Q3"), "budget_planned": .integer(80_000_000)])
            try writer.inc("projects", id, "budget_spent", by: 5)

            let error = await failure { _ = try await client(writer, plainOptions()).sync() }
            guard case .network(.closed, _)? = error else { Issue.record("expected connection lost, got \(String(describing: error))"); return }
            #expect(daemon.log.head() == 4)            // committed before the ack was lost
            #expect(try writer.outboxCount() == 4)      // so still unacknowledged here

            let resync = try await client(writer, plainOptions()).sync()
            #expect(resync.pushed == 0 && resync.duplicates == 4)
            #expect(try writer.outboxCount() == 0)
            #expect(daemon.log.head() == 4)            // no op twice in the log

            let reader = daemon.replica("reader", department: "sales")
            let pulled = try await client(reader).sync()
            #expect(pulled.pulled == 4)
            #expect(try reader.stateHash() == writer.stateHash())
        }
    }

    @Test("a connection cut in the middle of a pull resumes from the cursor")
    func cutPull() async throws {
        try await withDaemon { daemon in
            let writer = daemon.replica("writer", department: "planning")
            for i in 0..<10 { try writer.create("departments", ["name": .text("d\(i)")]) }
            _ = try await client(writer).sync()

            let proxy = try await DroppingProxy.start(to: daemon.port, rule: CutAt(3, linesContaining: "\"type\":\"changes\"").rule)
            defer { Task { await proxy.stop() } }
            let reader = daemon.replica("reader", department: "sales", server: proxy.address)
            let options = plainOptions { $0.pullLimit = 3 }
            let error = await failure { _ = try await client(reader, options).sync() }
            guard case .network(.closed, _)? = error else { Issue.record("expected connection lost, got \(String(describing: error))"); return }
            #expect(try reader.cursor() == 6)          // two pages applied, the third lost

            let rest = try await client(reader, options).sync()
            #expect(rest.pulled == 14 && rest.cursor == 20)
            #expect(try reader.stateHash() == writer.stateHash())
        }
    }
}

/// A port that was free a moment ago: bound, then closed.
func freePort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 1
    try await channel.close().get()
    return port
}

/// Answers every connection like an HTTP server refusing a request.
private final class Greeter: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(NIOAny(ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\n\r\n")), promise: nil)
    }
}
