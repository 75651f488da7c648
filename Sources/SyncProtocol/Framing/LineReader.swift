import NIOCore

/// The framing handler of a connection: splits the bytes received into lines with
/// ``LineFrameDecoder`` (and its length limit) and, once told the peer's bytes are compressed
/// (``LineStreamSwitch/input(_:)``), inflates them first. Writes pass through untouched.
///
/// - **Switching at a line**: the switch applies to the bytes after the line delivered last,
///   including bytes that arrived with that line. A server switches while the `hello` line is
///   being handled (synchronously, from the handler after this one); a client reader made with
///   `holdAfterFirstLine` delivers its first line (`welcome` or an error) and then waits, reading
///   nothing more from the socket, until the session has said how the rest is encoded.
/// - **Bounded memory**: each round delivers at most ``roundBytes`` of lines (at least one), then
///   waits for the next `read()` from the handlers after it, so a handler that stops reading stops
///   the inflation too; the socket is read again only once every byte received was delivered.
///   Inflated bytes wait in one buffer that the framer never lets grow past the line limit plus
///   one inflation step (16 KiB), so a decompression bomb costs no more memory than a plain line:
///   the limit applies to inflated bytes (``LineFrame/tooLong(limit:)``).
/// - **Corruption**: bytes that do not inflate end the stream with ``LineFrame/corruptStream(reason:)``;
///   nothing is delivered after it.
///
/// ```swift
/// try channel.pipeline.syncOperations.addHandler(LineReader(maxLineBytes: 1 << 24))
/// ```
public final class LineReader: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = LineFrame
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// Bytes of lines delivered per round before the reader waits for the next `read()`: 64 KiB,
    /// what one socket read holds at most by default, so plain input arrives as before.
    public static let roundBytes = 64 * 1024

    private var framer: LineFrameDecoder
    /// Bytes to split into lines: the bytes received while plain, inflated bytes after the switch.
    private var plain = ByteBuffer()
    /// Bytes received after the switch and not yet inflated.
    private var compressed = ByteBuffer()
    private var inflater: StreamInflater?
    private var holdAfterFirstLine: Bool
    /// Delivered the first line and waits for ``LineStreamSwitch/input(_:)``.
    private var holding = false
    /// Inside a round: a `read()` from the handlers after this one waits for its end.
    private var delivering = false
    /// The last round stopped at its budget (or holds): more lines may be ready.
    private var behind = false
    private var readWanted = false
    /// The stream was corrupt: nothing more is delivered.
    private var stopped = false

    /// - Parameters:
    ///   - maxLineBytes: longest line, terminator excluded, counted after inflation.
    ///   - holdAfterFirstLine: wait after the first line for ``LineStreamSwitch/input(_:)`` (a
    ///     client that offered compression in its `hello`).
    public init(maxLineBytes: Int = WireProtocol.defaultMaxLineBytes, holdAfterFirstLine: Bool = false) {
        framer = LineFrameDecoder(maxLineBytes: maxLineBytes)
        self.holdAfterFirstLine = holdAfterFirstLine
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !stopped else { return }
        var bytes = unwrapInboundIn(data)
        if inflater == nil {
            LineReader.append(&bytes, to: &plain)
        } else {
            LineReader.append(&bytes, to: &compressed)
        }
        round(context)
    }

    public func read(context: ChannelHandlerContext) {
        if delivering || holding {
            readWanted = true
            return
        }
        pump(context)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if !stopped, !holding, !delivering {
            // The peer is gone: what it sent is delivered now, up to one line's worth.
            delivering = true
            let more = deliver(context, budget: framer.maxLineBytes + LineReader.roundBytes)
            if !more, !stopped, let frame = framer.leftover(&plain) {
                context.fireChannelRead(wrapInboundOut(frame))
            }
            delivering = false
        }
        context.fireChannelInactive()
    }

    public func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard case .input(let compression)? = event as? LineStreamSwitch else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        if let compression, inflater == nil {
            switch compression {
            case .deflate:
                do {
                    inflater = try StreamInflater(allocator: context.channel.allocator)
                } catch {
                    promise?.fail(error)
                    stop(context, error.description)
                    return
                }
            }
            // What arrived after the last line is the start of the compressed stream.
            compressed = plain
            plain = context.channel.allocator.buffer(capacity: 0)
            framer = LineFrameDecoder(maxLineBytes: framer.maxLineBytes)
        }
        promise?.succeed(())
        if holding {
            holding = false
            behind = true
            readWanted = false
            pump(context)
        }
    }

    /// Bytes the reader holds buffers for (tests: a bomb must not grow it past the line limit).
    var bufferedCapacity: Int { plain.capacity + compressed.capacity }

    // MARK: Rounds

    /// Delivers a round if more may be ready, then reads from the socket when all is delivered;
    /// otherwise asks the pipeline for another `read()`, which the handlers after this one
    /// forward when they want more.
    private func pump(_ context: ChannelHandlerContext) {
        if behind {
            round(context)
            context.fireChannelReadComplete()
            if holding || stopped { return }
            if behind {
                let channel = context.channel
                context.eventLoop.assumeIsolated().execute { channel.read() }
                return
            }
        }
        context.read()
    }

    private func round(_ context: ChannelHandlerContext) {
        guard !delivering else { return }
        delivering = true
        behind = deliver(context, budget: LineReader.roundBytes)
        delivering = false
        if readWanted, !holding {
            readWanted = false
            pump(context)
        }
    }

    /// Fires lines until `budget` bytes went out or the reader holds (true: more may follow), or
    /// until the bytes received hold no further line (false).
    private func deliver(_ context: ChannelHandlerContext, budget: Int) -> Bool {
        var sent = 0
        while !holding, !stopped {
            if let frame = framer.nextFrame(&plain) {
                if case .line(let line) = frame { sent += line.readableBytes + 1 } else { sent += 1 }
                if holdAfterFirstLine {
                    holdAfterFirstLine = false
                    holding = true
                }
                context.fireChannelRead(wrapInboundOut(frame))
                if sent >= budget { return true }
                continue
            }
            guard let inflater, compressed.readableBytes > 0 else { return false }
            LineReader.compact(&plain)
            do {
                _ = try inflater.inflate(from: &compressed, into: &plain)
            } catch {
                stop(context, error.description)
                return false
            }
        }
        return holding
    }

    private func stop(_ context: ChannelHandlerContext, _ reason: String) {
        stopped = true
        plain.clear()
        compressed.clear()
        context.fireChannelRead(wrapInboundOut(.corruptStream(reason: reason)))
    }

    /// Appends received bytes, taking them over when nothing waits.
    private static func append(_ bytes: inout ByteBuffer, to buffer: inout ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer = bytes
        } else {
            compact(&buffer)
            buffer.writeBuffer(&bytes)
        }
    }

    /// Drops the bytes already framed once they are many, so the buffer does not grow with them.
    private static func compact(_ buffer: inout ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer.clear()
        } else if buffer.readerIndex >= roundBytes {
            buffer.discardReadBytes()
        }
    }
}
