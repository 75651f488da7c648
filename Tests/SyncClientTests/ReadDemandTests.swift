import NIOCore
import NIOEmbedded
import SyncProtocol
import Testing
@testable import SyncClient

/// The client transport's backpressure: the socket is not read while the consumer has
/// ``ReadDemand/limit`` lines it has not taken.
@Suite("Client read backpressure")
struct ReadDemandTests {
    /// Counts the `read()`s that get past the handlers after it, toward the socket.
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    @Test func readsWaitWhileTheConsumerLagsAndResumeWhenItTakesALine() throws {
        let (events, continuation) = AsyncThrowingStream.makeStream(of: LineChannel.Event.self, throwing: (any Error).self)
        _ = events
        let demand = ReadDemand(limit: 2)
        let counter = ReadCounter()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(counter)
        try channel.pipeline.syncOperations.addHandler(LineForwarder(continuation, demand: demand))

        channel.read()
        #expect(counter.reads == 1)                          // nothing waits: the socket is read
        try channel.writeInbound(LineFrame.line(ByteBuffer(string: "one")))
        channel.read()
        #expect(counter.reads == 2)                          // one line waits: still read
        try channel.writeInbound(LineFrame.line(ByteBuffer(string: "two")))
        channel.read()
        channel.read()
        #expect(counter.reads == 2)                          // two lines wait: held
        #expect(demand.waitingLines == 2)

        #expect(demand.taken())                              // the consumer takes one: the held read goes on
        channel.read()
        #expect(counter.reads == 3)
        #expect(!demand.taken())                             // nothing held any more
        _ = try? channel.finish()
    }
}
