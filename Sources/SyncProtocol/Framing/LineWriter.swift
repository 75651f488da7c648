import NIOCore

/// The writing side of a connection's line stream: passes each written line on as it is until
/// told to compress (``LineStreamSwitch/output(_:)``), then deflates every line into one stream
/// (``WireCompression/deflate``), each ending with a sync flush so the peer can read it at once.
/// Every write must be one whole line. A line that cannot be deflated fails its write and is
/// reported with `fireErrorCaught`.
///
/// ```swift
/// try channel.pipeline.syncOperations.addHandler(LineWriter())
/// ```
public final class LineWriter: ChannelOutboundHandler {
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private var deflater: StreamDeflater?

    public init() {}

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard let deflater else {
            context.write(data, promise: promise)
            return
        }
        do {
            let compressed = try deflater.deflate(unwrapOutboundIn(data), allocator: context.channel.allocator)
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
        guard deflater == nil else {
            promise?.succeed(())
            return
        }
        do {
            switch compression {
            case .deflate: deflater = try StreamDeflater(allocator: context.channel.allocator)
            }
            promise?.succeed(())
        } catch {
            promise?.fail(error)
            context.fireErrorCaught(error)
        }
    }
}
