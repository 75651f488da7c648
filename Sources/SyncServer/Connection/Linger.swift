import NIOCore

/// Closing a connection without losing the last reply: closing a socket whose receive buffer still
/// holds bytes sends a TCP reset, which can make the peer drop the `error` line sent just before.
/// So the output is closed first (the peer reads the reply, then end of stream), input is read and
/// discarded, and the connection closes fully when the peer hangs up or after `linger`.
enum Linger {
    static let linger: TimeAmount = .seconds(2)

    static func close(_ context: ChannelHandlerContext) {
        let channel = context.channel
        context.flush()
        context.close(mode: .output, promise: nil)
        let timer = context.eventLoop.scheduleTask(in: linger) { channel.close(promise: nil) }
        channel.closeFuture.whenComplete { _ in timer.cancel() }
    }
}
