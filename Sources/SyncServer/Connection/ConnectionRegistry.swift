import Foundation
import NIOCore

/// Counts open connections against the limit and keeps them, so shutdown can close the ones
/// still open when the grace period ends.
final class ConnectionRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int
    private var nextID: UInt64 = 0
    private var open: [UInt64: any Channel] = [:]

    init(limit: Int) {
        self.limit = limit
    }

    /// An id for a new connection, or nil when the limit is reached. The channel leaves the
    /// registry when it closes.
    func admit(_ channel: any Channel) -> UInt64? {
        let id: UInt64? = lock.withLock {
            guard open.count < limit else { return nil }
            nextID += 1
            open[nextID] = channel
            return nextID
        }
        if let id {
            channel.closeFuture.whenComplete { [self] _ in
                _ = lock.withLock { open.removeValue(forKey: id) }
            }
        }
        return id
    }

    var count: Int { lock.withLock { open.count } }

    /// Closes every connection still open.
    func closeAll() {
        for channel in lock.withLock({ Array(open.values) }) {
            channel.close(promise: nil)
        }
    }
}

/// Answers a connection over the limit with one `error` line and closes it.
final class RefusingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let line: ByteBuffer

    init(line: ByteBuffer) {
        self.line = line
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(line), promise: nil)
        Linger.close(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
