import Foundation
import NIOCore
import NIOPosix
import Planning
import SyncClient
import SyncModel
import SyncProtocol
import Testing

/// The client's reply timeout measures silence, not the time a long reply takes to arrive
/// (issue 10, part 6).
@Suite("liveness", .serialized, .timeLimit(.minutes(1)))
struct LivenessTests {
    @Test("a long changes line that keeps arriving is not cut by the request timeout")
    func slowPageIsNotATimeout() async throws {
        // ~5 s in all, in pieces 250 ms apart, against a 3 s silence timeout: wide margins on a
        // loaded machine, and still a reply that takes longer than the timeout.
        let server = try await DribblingServer.start(pauses: 20, every: .milliseconds(250))
        defer { server.close() }
        let replica = MemoryReplica(node: "patient", department: "sales", server: "127.0.0.1:\(server.port)",
                                    token: "t", schema: PlanningSchema.schema)
        let summary = try await client(replica, testOptions { $0.requestTimeout = .seconds(3) }).sync()
        #expect(summary.pulled == 0)
    }

    @Test("a server that falls silent in the middle of a line still times out")
    func silenceMidLineIsATimeout() async throws {
        let server = try await DribblingServer.start(pauses: 3, every: .milliseconds(250), stall: true)
        defer { server.close() }
        let replica = MemoryReplica(node: "patient", department: "sales", server: "127.0.0.1:\(server.port)",
                                    token: "t", schema: PlanningSchema.schema)
        let error = await failure { _ = try await client(replica, testOptions { $0.requestTimeout = .seconds(3) }).sync() }
        guard case .network(.timedOut, _)? = error else { Issue.record("expected a timeout, got \(String(describing: error))"); return }
    }
}

/// A stand-in daemon: welcomes any hello, and answers a pull with an empty `changes` line padded
/// with spaces and written in `pauses + 1` pieces, `every` apart; with `stall`, the last piece
/// (and its newline) never comes.
final class DribblingServer: @unchecked Sendable {
    private let channel: any Channel
    let port: Int

    static func start(pauses: Int, every: TimeAmount, stall: Bool = false) async throws -> DribblingServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder()))
                    try child.pipeline.syncOperations.addHandler(Dribbler(pauses: pauses, every: every, stall: stall))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return DribblingServer(channel: channel, port: channel.localAddress?.port ?? 0)
    }

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    func close() { channel.close(promise: nil) }
}

private final class Dribbler: ChannelInboundHandler {
    typealias InboundIn = LineFrame
    typealias OutboundOut = ByteBuffer

    let pauses: Int
    let every: TimeAmount
    let stall: Bool

    init(pauses: Int, every: TimeAmount, stall: Bool) {
        self.pauses = pauses
        self.every = every
        self.stall = stall
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .line(let line) = unwrapInboundIn(data), let message = try? WireDecoder.clientMessage(from: line) else { return }
        switch message {
        case .hello:
            let now = (try? HLCTimestamp(milliseconds: UInt64(Date().timeIntervalSince1970 * 1000), counter: 0)) ?? .zero
            if let welcome = try? WireEncoder.line(.welcome(Welcome(server: "slow", department: "sales", time: now, head: 0))) {
                context.writeAndFlush(wrapOutboundOut(welcome), promise: nil)
            }
        case .pull(let pull):
            guard let full = try? WireEncoder.line(.changes(Changes(id: pull.id, ops: [], next: pull.since, more: false))) else { return }
            // `{…}\n` → `{…` + spaces + `}\n`: the same message, a long line.
            var text = String(buffer: full)
            text.removeLast(2)
            text += String(repeating: " ", count: 64 * 1024) + "}\n"
            let bytes = Array(text.utf8)
            let piece = bytes.count / (pauses + 1) + 1
            let loop = context.eventLoop.assumeIsolated()
            for i in 0...pauses {
                let chunk = Array(bytes[min(bytes.count, i * piece)..<min(bytes.count, (i + 1) * piece)])
                if stall, i == pauses { break }
                loop.scheduleTask(in: .nanoseconds(every.nanoseconds * Int64(i))) {
                    context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(bytes: chunk)), promise: nil)
                }
            }
        default:
            break
        }
    }
}
