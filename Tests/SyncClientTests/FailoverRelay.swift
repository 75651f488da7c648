import NIOCore
import NIOPosix

/// A TCP relay in front of several daemons, the way a load balancer sends laptops to whichever
/// daemon is up: each new connection goes to the first daemon, in the order given, that accepts
/// it; bytes pass both ways unchanged (compression included); either side closing closes both.
final class FailoverRelay: @unchecked Sendable {
    private let channel: any Channel
    let port: Int

    static func start(to ports: [Int]) async throws -> FailoverRelay {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { client in
                connect(client, to: ports[...]).flatMap { upstream in
                    client.eventLoop.makeCompletedFuture {
                        try client.pipeline.syncOperations.addHandler(Forward(to: upstream))
                    }
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FailoverRelay(channel: channel, port: channel.localAddress?.port ?? 0)
    }

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    var address: String { "127.0.0.1:\(port)" }

    func stop() async { try? await channel.close().get() }

    /// The first of `ports` that accepts, its bytes forwarded to `client`.
    private static func connect(_ client: any Channel, to ports: ArraySlice<Int>) -> EventLoopFuture<any Channel> {
        guard let port = ports.first else { return client.eventLoop.makeFailedFuture(NoDaemon()) }
        return ClientBootstrap(group: client.eventLoop)
            .channelInitializer { upstream in
                upstream.eventLoop.makeCompletedFuture { try upstream.pipeline.syncOperations.addHandler(Forward(to: client)) }
            }
            .connect(host: "127.0.0.1", port: port)
            .flatMapError { _ in connect(client, to: ports.dropFirst()) }
    }

    /// Every daemon refused the connection.
    struct NoDaemon: Error {}

    private final class Forward: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let peer: any Channel
        init(to peer: any Channel) { self.peer = peer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) { peer.close(promise: nil) }
    }
}
