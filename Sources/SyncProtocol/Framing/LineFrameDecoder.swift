import NIOCore

/// What ``LineFrameDecoder`` passes on.
public enum LineFrame: Hashable, Sendable {
    /// One line without its `\n` or `\r\n`.
    case line(ByteBuffer)
    /// A line passed `limit` bytes; its bytes up to the next `\n` are dropped, not buffered.
    case tooLong(limit: Int)
    /// The peer closed the connection in the middle of a line of `bytes` bytes (which are dropped).
    case incomplete(bytes: Int)
    /// The negotiated compressed stream does not inflate (``LineReader``); nothing follows.
    case corruptStream(reason: String)
}

/// Splits a byte stream into lines ending in `\n` (a `\r` before it is removed), with a maximum
/// line length. swift-nio-extras' `LineBasedFrameDecoder` has no limit, so a peer that never sends
/// `\n` could make it buffer without end; this one reports ``LineFrame/tooLong(limit:)`` as soon as
/// the limit is passed and then discards up to the next `\n`.
///
/// ```swift
/// try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLineBytes: 1 << 24)))
/// ```
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = LineFrame

    /// Longest line accepted, in bytes, terminator excluded.
    public let maxLineBytes: Int
    /// Bytes at the front of the buffer already known to hold no `\n`, so each byte is scanned once.
    private var scanned = 0
    /// True after a too long line, until its `\n`.
    private var discarding = false

    public init(maxLineBytes: Int = WireProtocol.defaultMaxLineBytes) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = nextFrame(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while let frame = nextFrame(&buffer) {
            context.fireChannelRead(wrapInboundOut(frame))
        }
        if let frame = leftover(&buffer) { context.fireChannelRead(wrapInboundOut(frame)) }
        return .needMoreData
    }

    /// At the end of the stream, once ``nextFrame(_:)`` found no more lines: drops the partial
    /// line left in `buffer` and reports it as ``LineFrame/incomplete(bytes:)`` (nil when
    /// nothing is left, or what is left is the rest of a line too long, reported already).
    mutating func leftover(_ buffer: inout ByteBuffer) -> LineFrame? {
        defer { discarding = false }
        guard buffer.readableBytes > 0 else { return nil }
        let dropped = buffer.readableBytes
        buffer.moveReaderIndex(forwardBy: dropped)
        scanned = 0
        return discarding ? nil : .incomplete(bytes: dropped)
    }

    /// The next frame in `buffer`, consuming its bytes; nil when more bytes are needed.
    mutating func nextFrame(_ buffer: inout ByteBuffer) -> LineFrame? {
        while true {
            let view = buffer.readableBytesView
            let searchFrom = view.index(view.startIndex, offsetBy: min(scanned, view.count))
            guard let newline = view[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) else {
                if discarding {
                    buffer.moveReaderIndex(forwardBy: view.count)
                    scanned = 0
                    return nil
                }
                // One byte of slack for a `\r` whose `\n` has not arrived yet.
                if view.count > maxLineBytes + 1 {
                    buffer.moveReaderIndex(forwardBy: view.count)
                    scanned = 0
                    discarding = true
                    return .tooLong(limit: maxLineBytes)
                }
                scanned = view.count
                return nil
            }
            let length = view.distance(from: view.startIndex, to: newline)
            scanned = 0
            if discarding {
                buffer.moveReaderIndex(forwardBy: length + 1)
                discarding = false
                continue
            }
            let hasCR = length > 0 && view[view.index(before: newline)] == UInt8(ascii: "\r")
            let content = hasCR ? length - 1 : length
            if content > maxLineBytes {
                buffer.moveReaderIndex(forwardBy: length + 1)
                return .tooLong(limit: maxLineBytes)
            }
            // Non-nil: `content` bytes are readable.
            guard let line = buffer.readSlice(length: content) else { return nil }
            buffer.moveReaderIndex(forwardBy: length - content + 1)
            return .line(line)
        }
    }
}
