import SyncModel
import SyncProtocol
import Testing
@testable import SyncClient

@Suite("push pipeline")
struct PushPipelineTests {
    static func ops(_ seqs: ClosedRange<UInt64>) throws -> [EncodedOp] {
        try seqs.map { try EncodedOp(Op(collection: "projects", row: "r", field: "budget_spent", kind: .inc, node: "n", seq: $0, hlc: .zero, delta: 1)) }
    }

    static func ack(_ id: Int64, accepted: Int, duplicates: Int = 0) -> Ack {
        Ack(id: id, accepted: accepted, duplicates: duplicates, head: 0)
    }

    @Test("one push at a time until an ack without duplicates, then up to the depth")
    func opensUpAfterACleanAck() throws {
        var pipeline = PushPipeline(batchSize: 2, depth: 3)
        #expect(pipeline.wantsOps)
        try pipeline.read(try Self.ops(1...10))
        #expect(pipeline.nextBatch()?.map(\.seq) == [1, 2])
        #expect(pipeline.nextBatch() == nil)   // the first ack is not in yet
        #expect(try pipeline.acknowledged(Self.ack(1, accepted: 2), through: 2) == 2)
        #expect(pipeline.nextBatch()?.map(\.seq) == [3, 4])
        #expect(pipeline.nextBatch()?.map(\.seq) == [5, 6])
        #expect(pipeline.nextBatch()?.map(\.seq) == [7, 8])
        #expect(pipeline.nextBatch() == nil)   // three in flight
        // An ack counting duplicates: one at a time again.
        #expect(try pipeline.acknowledged(Self.ack(2, accepted: 1, duplicates: 1), through: 4) == 2)
        #expect(pipeline.nextBatch() == nil)
        #expect(try pipeline.acknowledged(Self.ack(3, accepted: 2), through: 6) == 2)
        #expect(pipeline.nextBatch()?.map(\.seq) == [9, 10])
        #expect(pipeline.readThrough == 10 && pipeline.awaitingAck)
    }

    /// Issue 10, part 6, as a kind: the outbox was read 16,000 ops at a time whatever their size,
    /// then cut into 4 MiB pushes.
    @Test("the outbox is read ahead by size: few ops of large texts, many small ones")
    func readAheadFollowsTheSizeOfTheOps() throws {
        var small = PushPipeline(batchSize: 1000, depth: 2)
        #expect(small.readAhead == 64)
        try small.read(try Self.ops(1...64))
        #expect(small.readAhead == 16_000)

        var large = PushPipeline(batchSize: 1000, depth: 2)
        let text = String(repeating: "\u{1}", count: 65_000)     // ~390 KB as JSON
        let big = try (1...64).map { seq in
            try EncodedOp(Op(collection: "projects", row: "r\(seq)", field: "description", kind: .set, node: "n", seq: UInt64(seq),
                             hlc: .zero, value: .text(text)))
        }
        try large.read(big)
        #expect(large.readAhead * 390_000 <= PushPipeline.readAheadBytes)
        #expect(large.readAhead >= 100)
        // Each push stays within the line budget.
        #expect(large.nextBatch()?.count == PushSize.prefixCount(of: big))
        #expect(PushSize.prefixCount(of: big) <= 11)
    }

    @Test("acks must answer the oldest push and cover all of it")
    func acksInOrder() throws {
        var pipeline = PushPipeline(batchSize: 2, depth: 2)
        try pipeline.read(try Self.ops(1...4))
        _ = pipeline.nextBatch()
        #expect(throws: SyncClientError.self) { try pipeline.acknowledged(Self.ack(1, accepted: 2), through: 4) }
        #expect(throws: SyncClientError.self) { try pipeline.acknowledged(Self.ack(1, accepted: 1), through: 2) }
    }

    @Test("the outbox must move forward, and an empty read ends it")
    func outboxMovesForward() throws {
        var pipeline = PushPipeline(batchSize: 2, depth: 2)
        try pipeline.read(try Self.ops(1...2))
        #expect(throws: SyncClientError.self) { try pipeline.read(try Self.ops(2...3)) }
        var done = PushPipeline(batchSize: 2, depth: 2)
        try done.read([])
        #expect(!done.wantsOps && done.nextBatch() == nil && !done.awaitingAck)
    }

    @Test("batches are cut by size too, so a push of large values stays under the line limit")
    func batchesAreCutBySize() throws {
        // 64 KiB of control characters escapes to 384 KiB of JSON: 1,000 such ops would be 375 MiB.
        let big = String(repeating: "\u{01}", count: 64 * 1024)
        let ops = try (1...40).map { try EncodedOp(Op(collection: "projects", row: "r", field: "name", kind: .set, node: "n", seq: UInt64($0), hlc: .zero, value: .text(big))) }
        var pipeline = PushPipeline(batchSize: 1000, depth: 1)
        try pipeline.read(ops)
        let next = pipeline.nextBatch()
        let batch = try #require(next)
        #expect(batch.count >= 1 && batch.count < ops.count)
        #expect(WireEncoder.pushLine(id: Int64.max, ops: batch).readableBytes <= PushSize.budget)
        #expect(WireEncoder.pushLine(id: 1, ops: ops.prefix(batch.count + 1)).readableBytes > PushSize.budget)
    }

    @Test("a single op over the budget still goes, alone")
    func anOversizedOpGoesAlone() throws {
        let big = String(repeating: "x", count: 64 * 1024)
        let ops = try (1...3).map { try EncodedOp(Op(collection: "projects", row: "r", field: "name", kind: .set, node: "n", seq: UInt64($0), hlc: .zero, value: .text(big))) }
        #expect(PushSize.prefixCount(of: ops, budget: 1_000) == 1)
        #expect(PushSize.prefixCount(of: ops, budget: 200_000) == 3)
    }
}
