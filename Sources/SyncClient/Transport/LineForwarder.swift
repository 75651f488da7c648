import NIOCore
import SyncProtocol

/// The last handler of a client pipeline: decodes each framed line into a ``ServerMessage``, hands
/// it to the async side and turns the end of the connection into the end of the stream. It holds
/// `read()` while the lines the async side has not taken use up its ``ReadDemand`` (backpressure).
/// No session logic here.
///
/// Decoding here, on the event loop, rather than in the task that takes the lines lets the next
/// `changes` page decode while the task applies the one before: a pull of 10,000-op pages spent
/// about a third of its time decoding, in turn with applying.
final class LineForwarder: ChannelDuplexHandler, Sendable {
    typealias InboundIn = LineFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let continuation: AsyncThrowingStream<LineChannel.Event, any Error>.Continuation
    /// On a TLS connection: what the TLS layer found, and the port (for messages).
    private let tls: (verdict: TLSVerdict, port: Int)?
    private let demand: ReadDemand

    init(_ continuation: AsyncThrowingStream<LineChannel.Event, any Error>.Continuation, tls: (TLSVerdict, Int)? = nil,
         demand: ReadDemand = ReadDemand()) {
        self.continuation = continuation
        self.tls = tls
        self.demand = demand
    }

    func read(context: ChannelHandlerContext) {
        // Held reads are issued again by LineChannel when the consumer takes a line.
        if demand.mayRead() { context.read() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .line(let line):
            let bytes = line.readableBytes
            demand.handedOver(bytes: bytes)
            if let message = try? WireDecoder.serverMessage(from: line) {
                continuation.yield(.message(message, bytes: bytes))
            } else {
                // Often another service on the port (an HTTP proxy answers "HTTP/1.1 400"): keep its words.
                continuation.yield(.unreadable(String(decoding: line.readableBytesView.prefix(120), as: UTF8.self), bytes: bytes))
            }
        case .tooLong(let limit):
            continuation.finish(throwing: SyncClientError.protocolViolation("the server sent a line over \(limit) bytes"))
            context.close(promise: nil)
        case .incomplete:
            continuation.finish(throwing: SyncClientError.network(.closed, "the connection closed in the middle of a line"))
        case .corruptStream(let reason):
            continuation.finish(throwing: SyncClientError.protocolViolation("the server's compressed stream does not inflate: \(reason)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let tls, let reason = tls.verdict.reason {
            continuation.finish(throwing: SyncClientError.tls(reason))
        } else if let tls, !tls.verdict.handshakeDone {
            continuation.finish(throwing: SyncClientError.tls("the server closed the connection during the TLS handshake: "
                + "port \(tls.port) may be plain TCP (drop --tls: plansync config --no-tls)"))
        }
        continuation.finish(throwing: SyncClientError.network(.closed, "the server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // TLS trouble names its cause; socket trouble is a network error; anything else (a line
        // over the limit) is the server's fault.
        let failure: SyncClientError = if let tls, let known = TLSClientSetup.error(for: error, verdict: tls.verdict, port: tls.port) {
            known
        } else if error is IOError
        {
            LineChannel.networkError(error, context: "connection")
        } else {
            .protocolViolation("reading from the server: \(error)")
        }
        continuation.finish(throwing: failure)
        context.close(promise: nil)
    }
}
