import NIOCore
import SyncProtocol

/// The last handler of a client pipeline: hands each framed line to the async side and turns the
/// end of the connection into the end of the stream. No session logic here.
final class LineForwarder: ChannelInboundHandler, Sendable {
    typealias InboundIn = LineFrame

    private let continuation: AsyncThrowingStream<LineChannel.Event, any Error>.Continuation

    init(_ continuation: AsyncThrowingStream<LineChannel.Event, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .line(let line):
            continuation.yield(.line(line))
        case .tooLong(let limit):
            continuation.finish(throwing: SyncClientError.protocolViolation("the server sent a line over \(limit) bytes"))
            context.close(promise: nil)
        case .incomplete:
            continuation.finish(throwing: SyncClientError.network(.closed, "the connection closed in the middle of a line"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish(throwing: SyncClientError.network(.closed, "the server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Socket trouble is a network error; anything else (a line over the limit) is the server's fault.
        let failure: SyncClientError = error is IOError
            ? LineChannel.networkError(error, context: "connection")
            : .protocolViolation("reading from the server: \(error)")
        continuation.finish(throwing: failure)
        context.close(promise: nil)
    }
}
