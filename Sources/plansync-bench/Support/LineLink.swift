import NIOCore
import NIOPosix
import SyncProtocol

/// A bare wire connection for scenarios that time the daemon itself, without a replica behind
/// the client: lines out, decoded ``SyncProtocol/ServerMessage``s in, through `NIOAsyncChannel`
/// (an unread reply holds the socket, not memory).
///
/// ```swift
/// let head = try await LineLink.session(port: port, node: "n", token: token, schema: 1) { link, welcome in welcome.head }
/// ```
final class LineLink {
    private var inbound: NIOAsyncChannelInboundStream<LineFrame>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    private init(inbound: NIOAsyncChannelInboundStream<LineFrame>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    /// Connects to the daemon on loopback `port`, says hello, runs `body` with the link and the
    /// `welcome`, then closes. Throws unless the daemon answers `welcome`.
    static func session<T: Sendable>(port: Int, node: String, token: String, schema: Int,
                                     _ body: (LineLink, Welcome) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder()))
                    return try NIOAsyncChannel<LineFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            let link = LineLink(inbound: inbound, outbound: outbound)
            guard case .welcome(let welcome) = try await link.send(.hello(Hello(node: node, token: token, schema: schema))) else {
                throw BenchError("the daemon did not welcome \(node)")
            }
            return try await body(link, welcome)
        }
    }

    /// Sends `message` and returns the next line the daemon sends (its reply, for requests made one at a time).
    func send(_ message: ClientMessage) async throws -> ServerMessage {
        try await write(message)
        return try await receive()
    }

    /// Sends `message` without waiting for anything.
    func write(_ message: ClientMessage) async throws {
        try await outbound.write(WireEncoder.line(message))
    }

    /// The next line the daemon sends, decoded (a subscription's `changes`, for one).
    func receive() async throws -> ServerMessage {
        guard let frame = try await inbound.next() else { throw BenchError("the daemon closed the connection") }
        guard case .line(let line) = frame else { throw BenchError("the daemon sent a malformed line") }
        return try WireDecoder.serverMessage(from: line)
    }
}
