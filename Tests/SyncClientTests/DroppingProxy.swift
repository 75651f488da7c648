import Foundation
import NIOCore
import NIOPosix
import SyncProtocol

/// A TCP relay between a client and the daemon that cuts both connections instead of passing on
/// the server line that `rule` picks: the way a network drop looks to each side. It reads plain
/// lines: its clients must not ask for compression (``plainOptions(_:)``).
final class DroppingProxy: @unchecked Sendable {
    private let channel: any Channel
    let port: Int

    /// `rule` sees each server line (as text) and says whether to cut there; the line is not delivered.
    static func start(to target: Int, rule: @escaping @Sendable (String) -> Bool) async throws -> DroppingProxy {
        let group = MultiThreadedEventLoopGroup.singleton
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { client in
                ClientBootstrap(group: client.eventLoop)
                    .channelInitializer { upstream in
                        upstream.eventLoop.makeCompletedFuture {
                            try upstream.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder()))
                            try upstream.pipeline.syncOperations.addHandler(ServerToClient(client: client, rule: rule))
                        }
                    }
                    .connect(host: "127.0.0.1", port: target)
                    .flatMap { upstream in
                        client.eventLoop.makeCompletedFuture {
                            try client.pipeline.syncOperations.addHandler(ClientToServer(upstream: upstream))
                        }
                    }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return DroppingProxy(channel: channel, port: channel.localAddress?.port ?? 0)
    }

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    var address: String { "127.0.0.1:\(port)" }

    func stop() async { try? await channel.close().get() }

    private final class ClientToServer: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let upstream: any Channel
        init(upstream: any Channel) { self.upstream = upstream }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            upstream.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) { upstream.close(promise: nil) }
    }

    private final class ServerToClient: ChannelInboundHandler, Sendable {
        typealias InboundIn = LineFrame
        let client: any Channel
        let rule: @Sendable (String) -> Bool
        init(client: any Channel, rule: @escaping @Sendable (String) -> Bool) {
            self.client = client
            self.rule = rule
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .line(var line) = unwrapInboundIn(data) else { return }
            if rule(String(decoding: line.readableBytesView, as: UTF8.self)) {
                client.close(promise: nil)
                context.close(promise: nil)
                return
            }
            line.writeString("\n")
            client.writeAndFlush(line, promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) { client.close(promise: nil) }
    }
}

/// A rule that cuts at the `n`-th server line containing `text` (once; later lines pass).
final class CutAt: @unchecked Sendable {
    private let lock = NSLock()
    private var seen = 0
    private let text: String
    private let n: Int

    init(_ n: Int, linesContaining text: String) {
        self.n = n
        self.text = text
    }

    var rule: @Sendable (String) -> Bool {
        { [self] line in
            lock.withLock {
                guard line.contains(text) else { return false }
                seen += 1
                return seen == n
            }
        }
    }
}
