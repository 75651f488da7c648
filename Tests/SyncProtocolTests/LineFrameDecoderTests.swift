import NIOCore
import NIOEmbedded
import Testing
@testable import SyncProtocol

@Suite("Line framing")
struct LineFrameDecoderTests {
    private func channel(limit: Int) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLineBytes: limit)))
        return channel
    }

    private func frames(_ channel: EmbeddedChannel) throws -> [LineFrame] {
        var out: [LineFrame] = []
        while let frame = try channel.readInbound(as: LineFrame.self) { out.append(frame) }
        return out
    }

    private func line(_ text: String) -> LineFrame { .line(ByteBuffer(string: text)) }

    @Test func splitsOnNewlineAndStripsCarriageReturn() throws {
        let channel = try channel(limit: 100)
        try channel.writeInbound(ByteBuffer(string: "one\ntwo\r\n\nthr"))
        #expect(try frames(channel) == [line("one"), line("two"), line("")])
        try channel.writeInbound(ByteBuffer(string: "ee\n"))
        #expect(try frames(channel) == [line("three")])
        _ = try channel.finish()
    }

    @Test func aLineExactlyAtTheLimitPasses() throws {
        let channel = try channel(limit: 5)
        try channel.writeInbound(ByteBuffer(string: "12345\r\n12345\n"))
        #expect(try frames(channel) == [line("12345"), line("12345")])
        _ = try channel.finish()
    }

    @Test func anOverlongLineIsReportedOnceAndSkipped() throws {
        let channel = try channel(limit: 8)
        try channel.writeInbound(ByteBuffer(string: "123456789012\nok\n"))
        #expect(try frames(channel) == [.tooLong(limit: 8), line("ok")])
        _ = try channel.finish()
    }

    @Test func anEndlessLineIsReportedBeforeItsEndAndNotBuffered() throws {
        let channel = try channel(limit: 16)
        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 10)
        try channel.writeInbound(chunk)
        #expect(try frames(channel).isEmpty)
        try channel.writeInbound(chunk)
        #expect(try frames(channel) == [.tooLong(limit: 16)])
        // A megabyte more of the same line: nothing is reported again, and the next line comes through.
        for _ in 0..<100_000 { try channel.writeInbound(chunk) }
        try channel.writeInbound(ByteBuffer(string: "tail\nnext\n"))
        #expect(try frames(channel) == [line("next")])
        _ = try channel.finish()
    }

    @Test func halfALineThenHangUpIsReportedAsIncomplete() throws {
        let channel = try channel(limit: 100)
        try channel.writeInbound(ByteBuffer(string: "done\n{\"type\":\"pi"))
        #expect(try frames(channel) == [line("done")])
        channel.pipeline.fireChannelInactive()
        #expect(try frames(channel) == [.incomplete(bytes: 11)])
        _ = try? channel.finish()
    }

    @Test func byteByByteDelivery() throws {
        let channel = try channel(limit: 100)
        for byte in "ab\r\ncd\n".utf8 { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
        #expect(try frames(channel) == [line("ab"), line("cd")])
        _ = try channel.finish()
    }
}
