import NIOCore
import NIOEmbedded
import SyncProtocol
import Testing
@testable import SyncClient

/// The client pipeline's last handler decodes each line before the session task takes it.
@Suite("Client line decoding")
struct LineForwarderTests {
    @Test func aServerLineArrivesDecodedAndAnotherServiceLineQuotedInOrder() async throws {
        let (events, continuation) = AsyncThrowingStream.makeStream(of: LineChannel.Event.self, throwing: (any Error).self)
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(LineForwarder(continuation))

        try channel.writeInbound(LineFrame.line(ByteBuffer(string: #"{"type":"pong","id":7}"#)))
        try channel.writeInbound(LineFrame.line(ByteBuffer(string: "HTTP/1.1 400 Bad Request")))
        continuation.finish()

        var received: [LineChannel.Event] = []
        for try await event in events { received.append(event) }
        #expect(received.count == 2)
        guard received.count == 2 else { return }
        guard case .message(.pong(let pong), let bytes) = received[0] else { Issue.record("expected a decoded pong, got \(received[0])"); return }
        #expect(pong.id == 7)
        #expect(bytes == 22)
        guard case .unreadable(let text, _) = received[1] else { Issue.record("expected an unreadable line, got \(received[1])"); return }
        #expect(text == "HTTP/1.1 400 Bad Request")
        _ = try? channel.finish()
    }
}
