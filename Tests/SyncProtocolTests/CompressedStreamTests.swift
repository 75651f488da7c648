import NIOCore
import NIOEmbedded
import Testing
@testable import SyncProtocol

/// ``LineReader`` and ``LineWriter``: plain lines, the switch to a raw deflate stream at a line,
/// bounded inflation, corrupt streams.
@Suite("Compressed line streams")
struct CompressedStreamTests {
    /// Python's `zlib.compressobj(wbits=-15)`: `compress(line) + flush(zlib.Z_SYNC_FLUSH)` for
    /// `{"id":1,"type":"ping"}\n`, then for `{"id":2,"type":"ping"}\n` in the same stream.
    static let pythonPing1 = bytes("aa56ca4c51b232d4512aa92c4855b2522ac8cc4b57aae502000000ffff")
    static let pythonPing2 = bytes("aa060b1ba10b03000000ffff")

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    /// Passes frames on and, at the first line, says the bytes after it are deflate, as the
    /// server's connection handler does at `hello`.
    final class SwitchAtFirstLine: ChannelInboundHandler {
        typealias InboundIn = LineFrame
        typealias InboundOut = LineFrame
        private var switched = false

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if !switched {
                switched = true
                context.triggerUserOutboundEvent(LineStreamSwitch.input(.deflate), promise: nil)
            }
            context.fireChannelRead(data)
        }
    }

    private func frames(_ channel: EmbeddedChannel) throws -> [LineFrame] {
        var out: [LineFrame] = []
        while let frame = try channel.readInbound(as: LineFrame.self) { out.append(frame) }
        return out
    }

    private func line(_ text: String) -> LineFrame { .line(ByteBuffer(string: text)) }

    /// `lines` as one deflate stream, each sync-flushed, by ``LineWriter``.
    private func deflated(_ lines: [String]) throws -> ByteBuffer {
        let writer = EmbeddedChannel(handler: LineWriter())
        try writer.pipeline.triggerUserOutboundEvent(LineStreamSwitch.output(.deflate)).wait()
        var out = ByteBuffer()
        for text in lines {
            try writer.writeOutbound(ByteBuffer(string: text))
            while var piece = try writer.readOutbound(as: ByteBuffer.self) { out.writeBuffer(&piece) }
        }
        _ = try writer.finish()
        return out
    }

    @Test func plainLinesPassAsTheFramerGivesThem() throws {
        let channel = EmbeddedChannel(handler: LineReader(maxLineBytes: 100))
        try channel.writeInbound(ByteBuffer(string: "one\ntwo\r\n\nthr"))
        #expect(try frames(channel) == [line("one"), line("two"), line("")])
        try channel.writeInbound(ByteBuffer(string: "ee\n{\"type\":\"pi"))
        #expect(try frames(channel) == [line("three")])
        channel.pipeline.fireChannelInactive()
        #expect(try frames(channel) == [.incomplete(bytes: 11)])
        _ = try? channel.finish()
    }

    @Test func pythonsRawDeflateAfterTheSwitchLineInflates() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(LineReader(maxLineBytes: 1000))
        try channel.pipeline.syncOperations.addHandler(SwitchAtFirstLine())
        // The hello and the first compressed bytes arrive in one read: the switch applies from the byte after the hello's newline.
        var bytes = ByteBuffer(string: "{\"type\":\"hello\"}\n")
        bytes.writeBytes(Self.pythonPing1)
        try channel.writeInbound(bytes)
        try channel.writeInbound(ByteBuffer(bytes: Self.pythonPing2))
        #expect(try frames(channel) == [line(#"{"type":"hello"}"#), line(#"{"id":1,"type":"ping"}"#), line(#"{"id":2,"type":"ping"}"#)])
        _ = try? channel.finish()
    }

    @Test func aHoldingReaderWaitsAfterItsFirstLineUntilTold() throws {
        let channel = EmbeddedChannel(handler: LineReader(maxLineBytes: 1000, holdAfterFirstLine: true))
        var bytes = ByteBuffer(string: "{\"type\":\"welcome\"}\n")
        bytes.writeBytes(Self.pythonPing1 + Self.pythonPing2)
        try channel.writeInbound(bytes)
        #expect(try frames(channel) == [line(#"{"type":"welcome"}"#)])
        try channel.pipeline.triggerUserOutboundEvent(LineStreamSwitch.input(.deflate)).wait()
        #expect(try frames(channel) == [line(#"{"id":1,"type":"ping"}"#), line(#"{"id":2,"type":"ping"}"#)])
        _ = try? channel.finish()
    }

    @Test func writerAndReaderRoundTripOneStreamWithASyncFlushPerLine() throws {
        let lines = (1...50).map { #"{"id":\#($0),"type":"ping"}"# + "\n" }
        var stream = ByteBuffer()
        let writer = EmbeddedChannel(handler: LineWriter())
        try writer.writeOutbound(ByteBuffer(string: "{\"type\":\"welcome\"}\n"))
        #expect(try writer.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "{\"type\":\"welcome\"}\n"))   // before the switch: plain
        try writer.pipeline.triggerUserOutboundEvent(LineStreamSwitch.output(.deflate)).wait()
        for text in lines {
            try writer.writeOutbound(ByteBuffer(string: text))
            var piece = try #require(try writer.readOutbound(as: ByteBuffer.self))
            // Each line ends with the empty stored block of a sync flush.
            #expect(Array(piece.readableBytesView.suffix(4)) == [0x00, 0x00, 0xFF, 0xFF])
            stream.writeBuffer(&piece)
        }
        _ = try writer.finish()
        let plainWelcome = "{\"type\":\"welcome\"}\n"
        let reader = EmbeddedChannel(handler: LineReader(maxLineBytes: 1000, holdAfterFirstLine: true))
        var all = ByteBuffer(string: plainWelcome)
        all.writeBuffer(&stream)
        // One byte at a time: lines are whole whatever the reads.
        for byte in all.readableBytesView { try reader.writeInbound(ByteBuffer(bytes: [byte])) }
        #expect(try frames(reader) == [line(#"{"type":"welcome"}"#)])
        try reader.pipeline.triggerUserOutboundEvent(LineStreamSwitch.input(.deflate)).wait()
        let got = try frames(reader)
        #expect(got == lines.map { line(String($0.dropLast())) }, "\(got.prefix(3)) … \(got.count)")
        _ = try? reader.finish()
    }

    @Test func anIdleWriterDropsItsDeflaterAndTheNextLineContinuesTheSameStream() throws {
        let writer = LineWriter(idleRelease: .seconds(2))
        let channel = EmbeddedChannel(handler: writer)
        try channel.pipeline.triggerUserOutboundEvent(LineStreamSwitch.output(.deflate)).wait()
        #expect(!writer.holdsDeflater)                        // switched, nothing written: no zlib state yet
        var stream = ByteBuffer()
        func send(_ text: String) throws {
            try channel.writeOutbound(ByteBuffer(string: text))
            var piece = try #require(try channel.readOutbound(as: ByteBuffer.self))
            stream.writeBuffer(&piece)
        }
        let text = #"{"type":"changes","ops":[{"collection":"projects","field":"name"}]}"#
        try send(text + "\n")
        #expect(writer.holdsDeflater)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        try send(text + "\n")                                // within the idle time: the timer moves on
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1_500))
        #expect(writer.holdsDeflater)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(600))
        #expect(!writer.holdsDeflater)                        // 2 s after the last line
        try send(text + "\n")                                // a new deflater, the same stream for the reader
        #expect(writer.holdsDeflater)
        _ = try channel.finish()
        #expect(!writer.holdsDeflater)

        let reader = EmbeddedChannel(handler: LineReader(maxLineBytes: 1000, holdAfterFirstLine: true))
        try reader.writeInbound(ByteBuffer(string: "{\"type\":\"welcome\"}\n"))
        try reader.pipeline.triggerUserOutboundEvent(LineStreamSwitch.input(.deflate)).wait()
        try reader.writeInbound(stream)
        #expect(try frames(reader) == [line(#"{"type":"welcome"}"#)] + Array(repeating: line(text), count: 3))
        _ = try? reader.finish()
    }

    @Test func aBombIsALineTooLongAndDoesNotGrowTheBuffer() throws {
        let limit = 1 << 20
        // 32 MiB of one line inflate from about 150 KiB (zlib level 1).
        let chunk = String(repeating: "x", count: 1 << 20)
        let bomb = try deflated(Array(repeating: chunk, count: 32) + ["\n", "{\"ok\":1}\n"])
        #expect(bomb.readableBytes < 256 * 1024)
        let channel = EmbeddedChannel()
        let reader = LineReader(maxLineBytes: limit, holdAfterFirstLine: true)
        try channel.pipeline.syncOperations.addHandler(reader)
        try channel.writeInbound(ByteBuffer(string: "hello\n"))
        try channel.pipeline.triggerUserOutboundEvent(LineStreamSwitch.input(.deflate)).wait()
        #expect(try frames(channel) == [line("hello")])
        try channel.writeInbound(bomb)
        #expect(try frames(channel) == [.tooLong(limit: limit), line(#"{"ok":1}"#)])
        // At most twice the limit and one step, as for a plain line: buffers grow by doubling.
        #expect(reader.bufferedCapacity <= 2 * (limit + 64 * 1024) + bomb.readableBytes)
        _ = try? channel.finish()
    }

    @Test func manySmallLinesComeInRoundsAsTheNextHandlerReads() throws {
        let count = 100_000
        let stream = try deflated(Array(repeating: "{}\n", count: count))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(LineReader(maxLineBytes: 100))
        try channel.pipeline.syncOperations.addHandler(SwitchAtFirstLine())
        var bytes = ByteBuffer(string: "hello\n")
        var copy = stream
        bytes.writeBuffer(&copy)
        try channel.writeInbound(bytes)
        let first = try frames(channel).count
        // One round: about 64 KiB of lines (3 bytes each), not the 300 KB the stream inflates to.
        #expect(first > 1 && first <= LineReader.roundBytes / 3 + 2)
        var total = first
        for _ in 0..<100 where total < count + 1 {
            channel.read()
            channel.embeddedEventLoop.run()
            total += try frames(channel).count
        }
        #expect(total == count + 1)
        _ = try? channel.finish()
    }

    @Test(arguments: [
        [UInt8](repeating: 0xFF, count: 16),                 // not a deflate block
        pythonPing1 + [0x03, 0x00] + [0x41, 0x42, 0x43],    // the stream ended (final empty block), then more bytes
    ])
    func bytesThatDoNotInflateEndTheStream(garbage: [UInt8]) throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(LineReader(maxLineBytes: 1000))
        try channel.pipeline.syncOperations.addHandler(SwitchAtFirstLine())
        var bytes = ByteBuffer(string: "hello\n")
        bytes.writeBytes(garbage)
        try channel.writeInbound(bytes)
        let got = try frames(channel)
        guard case .corruptStream(let reason)? = got.last else {
            Issue.record("expected a corrupt stream, got \(got)")
            return
        }
        #expect(!reason.isEmpty)
        try channel.writeInbound(ByteBuffer(bytes: Self.pythonPing2))
        #expect(try frames(channel).isEmpty)                 // nothing after it
        _ = try? channel.finish()
    }
}
