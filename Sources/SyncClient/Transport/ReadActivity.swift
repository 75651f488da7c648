import Foundation
import NIOCore

/// The first handler of a client pipeline: notes when bytes last arrived, so that a reply
/// timeout measures silence (``LineChannel/deadline(after:waitingFor:)``), not the time a long
/// line takes to arrive. Passes every byte on unchanged.
final class ReadActivity: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let lock = NSLock()
    private var last = NIODeadline.now()

    /// When the last bytes arrived (the connection's start before any).
    var lastRead: NIODeadline { lock.withLock { last } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = NIODeadline.now()
        lock.withLock { last = now }
        context.fireChannelRead(data)
    }
}

/// A pending reply timeout (``LineChannel/deadline(after:waitingFor:)``); ``cancel()`` stops it.
final class Deadline: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Scheduled<Void>?
    private var cancelled = false

    /// Stops the timeout; it does not fire once this returned.
    func cancel() {
        lock.withLock {
            cancelled = true
            task?.cancel()
        }
    }

    /// Whether ``cancel()`` was called.
    var isCancelled: Bool { lock.withLock { cancelled } }

    /// Makes `task` the pending check (the timeout was pushed back by arriving bytes).
    func replace(_ task: Scheduled<Void>) {
        lock.withLock {
            if cancelled { task.cancel() } else { self.task = task }
        }
    }
}
