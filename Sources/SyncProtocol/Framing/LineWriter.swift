import NIOCore

/// The writing side of a connection's line stream: passes each written line on as it is until
/// told to compress (``LineStreamSwitch/output(_:)``), then deflates every line into one stream
/// (``WireCompression/deflate``), each ending with a sync flush so the peer can read it at once.
/// Every write must be one whole line. A line that cannot be deflated fails its write and is
/// reported with `fireErrorCaught`.
///
/// The zlib state (about 260 KiB per connection once used) exists only while lines are written:
/// it is created at the first line after the switch and dropped once no line was written for
/// `idleRelease`. The next line starts a new deflater, whose raw blocks continue the same stream
/// for the reader: a sync flush leaves the stream byte-aligned and unfinished, and a new deflater
/// refers only to what it wrote itself (protocol/PROTOCOL.md §1). So a daemon holding a thousand
/// idle laptops does not hold a thousand deflaters.
///
/// ```swift
/// try channel.pipeline.syncOperations.addHandler(LineWriter())
/// ```
public final class LineWriter: ChannelOutboundHandler {
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// How long the deflater outlives the last line written: 2 s by default, so a page stream or
    /// a burst of fan-out keeps its dictionary and an idle connection soon holds none.
    public let idleRelease: TimeAmount
    /// Set by the switch; nil while lines pass as they are.
    private var compression: WireCompression?
    private var deflater: StreamDeflater?
    private var lastWrite = NIODeadline.uptimeNanoseconds(0)
    private var release: Scheduled<Void>?

    /// `idleRelease`: how long the zlib state is kept after the last line written.
    public init(idleRelease: TimeAmount = .seconds(2)) {
        self.idleRelease = idleRelease
    }

    /// Whether the connection holds a deflater now (tests and measurements).
    var holdsDeflater: Bool { deflater != nil }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard let compression else {
            context.write(data, promise: promise)
            return
        }
        do {
            let deflater = try self.deflater ?? StreamDeflater(compression, allocator: context.channel.allocator)
            self.deflater = deflater
            let compressed = try deflater.deflate(unwrapOutboundIn(data), allocator: context.channel.allocator)
            lastWrite = context.eventLoop.now
            scheduleRelease(context)
            context.write(wrapOutboundOut(compressed), promise: promise)
        } catch {
            promise?.fail(error)
            context.fireErrorCaught(error)
        }
    }

    public func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard case .output(let compression)? = event as? LineStreamSwitch else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        if self.compression == nil { self.compression = compression }
        promise?.succeed(())
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        release?.cancel()
        release = nil
        deflater = nil
    }

    /// Drops the deflater `idleRelease` after the last write; one timer at a time, moved on when
    /// lines were written meanwhile.
    private func scheduleRelease(_ context: ChannelHandlerContext) {
        guard release == nil else { return }
        release = context.eventLoop.assumeIsolated().scheduleTask(deadline: lastWrite + idleRelease) { [self] in
            release = nil
            if context.eventLoop.now >= lastWrite + idleRelease {
                deflater = nil
            } else {
                scheduleRelease(context)
            }
        }
    }
}
