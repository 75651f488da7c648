import Foundation
import NIOCore

/// Counts open connections against the limit and keeps them, with the token each authenticated
/// with, so shutdown can close the ones still open when the grace period ends and a revoked or
/// expired token's connections can be found.
final class ConnectionRegistry: @unchecked Sendable {
    private struct Entry {
        let channel: any Channel
        var token: String?
    }

    private let lock = NSLock()
    private let limit: Int
    private var nextID: UInt64 = 0
    private var open: [UInt64: Entry] = [:]

    init(limit: Int) {
        self.limit = limit
    }

    /// An id for a new connection, or nil when the limit is reached. The channel leaves the
    /// registry when it closes.
    func admit(_ channel: any Channel) -> UInt64? {
        let id: UInt64? = lock.withLock {
            guard open.count < limit else { return nil }
            nextID += 1
            open[nextID] = Entry(channel: channel)
            return nextID
        }
        if let id {
            channel.closeFuture.whenComplete { [self] _ in
                _ = lock.withLock { open.removeValue(forKey: id) }
            }
        }
        return id
    }

    /// The connection `id` was welcomed with `token`.
    func authenticated(_ id: UInt64, token: String) {
        lock.withLock { open[id]?.token = token }
    }

    /// The tokens of the open, authenticated connections.
    var tokens: Set<String> { lock.withLock { Set(open.values.compactMap(\.token)) } }

    /// The open connections that authenticated with `token`.
    func channels(token: String) -> [any Channel] {
        lock.withLock { open.values.filter { $0.token == token }.map(\.channel) }
    }

    var count: Int { lock.withLock { open.count } }

    /// Closes every connection still open.
    func closeAll() {
        for channel in lock.withLock({ open.values.map(\.channel) }) {
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

/// Sent down a connection's pipeline when its token stopped being valid (revoked or expired):
/// the ``ConnectionHandler`` answers `auth_failed` with `reason` and closes.
struct TokenWithdrawn: Sendable {
    let reason: String
}
