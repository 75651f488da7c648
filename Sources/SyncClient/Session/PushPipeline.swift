import SyncModel
import SyncProtocol

/// The pushes of one `sync` as a value: batches read ahead from the outbox, up to `depth` of them
/// sent before their `ack`, and acknowledged strictly in the order sent (the daemon answers
/// requests in order, and a push is all or nothing). The caller drops a batch from the outbox
/// only once ``acknowledged(_:through:)`` accepted its `ack`, so a failure anywhere leaves every
/// unacknowledged op in the outbox.
///
/// Pushes go one at a time until an `ack` counts no duplicates: from then on the daemon holds
/// exactly this node's ops up to that push, every later batch is new to it, and a refused push
/// makes the ones behind it fail with `seq_gap`. Before that, a batch refused with
/// `duplicate_dot` (a copied replica file) could be followed by one the daemon accepts, which
/// would put the copy's ops in the log.
///
/// ```swift
/// var pipeline = PushPipeline(batchSize: 1000, depth: 4)
/// while true {
///     if pipeline.wantsOps { try pipeline.read(replica.encodedOutbox(after: pipeline.readThrough, limit: pipeline.readAhead)) }
///     if let batch = pipeline.nextBatch() { send(session.push(encoded: batch)); continue }
///     guard pipeline.awaitingAck else { break }
///     let through = try pipeline.acknowledged(ack, through: seq)   // then replica.acknowledge(through:)
/// }
/// ```
struct PushPipeline {
    let batchSize: Int
    let depth: Int
    /// Ops read ahead and not yet sent, in seq order.
    private var queued: ArraySlice<EncodedOp> = []
    /// Pushes sent and not yet acknowledged, oldest first.
    private var inFlight: [(count: Int, through: UInt64)] = []
    private var exhausted = false
    /// Whether the last `ack` counted no duplicates (see above).
    private var clean = false
    /// The highest seq read from the outbox: every own op up to it is in the local replica.
    private(set) var readThrough: UInt64 = 0
    /// Sizes ``readAhead`` by the ops read so far.
    private var sizer = OutboxReadAhead(bytes: PushPipeline.readAheadBytes)

    init(batchSize: Int, depth: Int) {
        self.batchSize = max(1, batchSize)
        self.depth = max(1, depth)
    }

    /// How many ops to read at a time: many batches, so that reading past the pushes in flight
    /// (which a store without a seq index does by reading them again) is rare, but no more than
    /// about ``readAheadBytes`` of them (``OutboxReadAhead``).
    var readAhead: Int { sizer.limit(most: batchSize * 16) }

    /// About how many bytes of ops one read may take: 16 pushes' worth (64 MiB).
    static let readAheadBytes = 16 * PushSize.budget

    /// How many pushes may be in flight now.
    var room: Int { clean ? depth : 1 }

    /// Whether the outbox should be read: nothing left to send, room in flight, more may be there.
    var wantsOps: Bool { queued.isEmpty && !exhausted && inFlight.count < room }

    /// Whether a push waits for its `ack`.
    var awaitingAck: Bool { !inFlight.isEmpty }

    /// Takes what ``SyncModel/SyncingReplica/encodedOutbox(after:limit:)`` returned; none means the outbox is done.
    mutating func read(_ ops: [EncodedOp]) throws(SyncClientError) {
        guard let last = ops.last else {
            exhausted = true
            return
        }
        var previous = readThrough
        for op in ops {
            guard op.seq > previous else {
                throw .replica("the outbox returned seq \(op.seq) after seq \(previous)")
            }
            previous = op.seq
        }
        readThrough = last.seq
        sizer.read(ops)
        queued += ops
    }

    /// The next batch to send, if there is one and room in flight; it counts as sent.
    mutating func nextBatch() -> [EncodedOp]? {
        guard inFlight.count < room, !queued.isEmpty else { return nil }
        let batch = Array(queued.prefix(PushSize.prefixCount(of: queued.prefix(batchSize))))
        queued = queued.dropFirst(batch.count)
        inFlight.append((batch.count, batch[batch.count - 1].seq))
        return batch
    }

    /// The oldest push in flight was refused (all of it): it stays in the outbox, and the ones
    /// behind it, refused with `seq_gap` in turn, are waited for and dropped the same way.
    mutating func refusedOldest() {
        if !inFlight.isEmpty { inFlight.removeFirst() }
        clean = false
    }

    /// Checks an `ack` against the oldest push in flight and returns how many ops it covered;
    /// the caller then drops the ops up to `through` from the outbox.
    mutating func acknowledged(_ ack: Ack, through: UInt64) throws(SyncClientError) -> Int {
        guard let oldest = inFlight.first, oldest.through == through else {
            throw .protocolViolation("ack \(ack.id) does not answer the oldest push in flight")
        }
        try AckRule.check(ack, batchSize: oldest.count)
        inFlight.removeFirst()
        clean = ack.duplicates == 0
        return oldest.count
    }
}
