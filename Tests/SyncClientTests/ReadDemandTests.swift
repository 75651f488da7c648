import NIOCore
import NIOEmbedded
import SyncProtocol
import Testing
@testable import SyncClient

/// The client transport's backpressure: the socket is not read while the lines the consumer has
/// not taken use up the ``ReadDemand`` budget (two lines at least, then bytes or a line count).
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
        let demand = ReadDemand(minimumLines: 2, byteBudget: 0)
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

        #expect(demand.taken(bytes: 3))                      // the consumer takes one: the held read goes on
        channel.read()
        #expect(counter.reads == 3)
        #expect(!demand.taken(bytes: 3))                     // nothing held any more
        _ = try? channel.finish()
    }

    @Test func smallLinesKeepBeingReadUntilTheirBytesReachTheBudget() {
        let demand = ReadDemand(minimumLines: 2, byteBudget: 100, maximumLines: 6)
        for _ in 0..<4 { demand.handedOver(bytes: 20) }
        #expect(demand.mayRead())                            // 4 lines, 80 bytes: under both limits
        demand.handedOver(bytes: 20)
        #expect(!demand.mayRead())                           // 100 bytes in 5 lines: held by bytes
        #expect(demand.taken(bytes: 20))                     // 80 bytes: the held read goes on
        demand.handedOver(bytes: 1)
        #expect(demand.mayRead())                            // 81 bytes in 5 lines: under both limits
        demand.handedOver(bytes: 1)
        #expect(!demand.mayRead())                           // 82 bytes but 6 lines: held by count
        #expect(demand.taken(bytes: 1))
    }

    @Test func twoLargeLinesMayAlwaysWait() {
        let demand = ReadDemand(minimumLines: 2, byteBudget: 100)
        demand.handedOver(bytes: 5_000)
        #expect(demand.mayRead())                            // one line over the budget: the next may still come
        demand.handedOver(bytes: 5_000)
        #expect(!demand.mayRead())
        #expect(demand.taken(bytes: 5_000))
        #expect(demand.waitingLines == 1)
    }
}
