import SyncModel
import SyncProtocol

/// One `sync`: push the outbox in batches, then pull until `more` is false (DESIGN.md, "Wire
/// contract"). Ops leave the outbox only after their `ack`; the cursor moves only with an applied
/// batch; so a run cut off anywhere leaves a replica the next run completes.
struct SyncRun {
    let replica: any SyncingReplica
    let node: String
    let options: SyncClientOptions
    private(set) var summary = SyncSummary()
    private var meter: ProgressMeter

    init(replica: any SyncingReplica, node: String, options: SyncClientOptions, welcome: Welcome) throws(SyncClientError) {
        self.replica = replica
        self.node = node
        self.options = options
        let outbox = try replicaCall("reading the outbox") { try replica.outboxCount() }
        let cursor = try replicaCall("reading the cursor") { try replica.cursor() }
        meter = ProgressMeter(expected: outbox + Int(clamping: welcome.head > cursor ? welcome.head - cursor : 0))
        summary.head = welcome.head
    }

    /// Pushes, then pulls; returns what was done.
    mutating func run(on connection: SessionConnection) async throws(SyncClientError) -> SyncSummary {
        let localThrough = try await pushOutbox(on: connection)
        try await pullAll(on: connection, localThrough: localThrough)
        return summary
    }

    /// Sends the outbox in batches of ``SyncClientOptions/pushBatchSize``, up to
    /// ``SyncClientOptions/pushesInFlight`` ahead of their `ack`s (``PushPipeline``), and drops
    /// each batch from the outbox once its `ack` arrived. Returns the highest own seq read from
    /// the outbox: every own op up to it is in the local replica.
    mutating func pushOutbox(on connection: SessionConnection) async throws(SyncClientError) -> UInt64 {
        var pipeline = PushPipeline(batchSize: options.pushBatchSize, depth: options.pushesInFlight)
        while true {
            if pipeline.wantsOps {
                let after = pipeline.readThrough, limit = pipeline.readAhead
                try pipeline.read(try replicaCall("reading the outbox") { try replica.encodedOutbox(after: after, limit: limit) })
            }
            if let batch = pipeline.nextBatch() {
                try await connection.send(line: { $0.push(encoded: batch) })
                continue
            }
            guard pipeline.awaitingAck else { return pipeline.readThrough }
            let reply = try await connection.reply(awaiting: "ack")
            guard case .acknowledged(let ack, let through?) = reply else { throw .protocolViolation("expected ack for a push") }
            let count = try pipeline.acknowledged(ack, through: through)
            try replicaCall("acknowledging pushed ops") { try replica.acknowledge(through: through) }
            summary.pushed += ack.accepted
            summary.duplicates += ack.duplicates
            summary.head = max(summary.head, ack.head)
            options.onEvent?(.progress(meter.pushed(count)))
        }
    }

    /// Pulls from the replica's cursor until the server says there is no more, applying each
    /// page with its `next` as the new cursor in one replica transaction. The next pull goes out
    /// before a page is applied, so the daemon reads it meanwhile. Own ops up to `localThrough`
    /// are in the replica already and are not handed to it again.
    mutating func pullAll(on connection: SessionConnection, localThrough: UInt64 = 0) async throws(SyncClientError) {
        let since = try replicaCall("reading the cursor") { try replica.cursor() }
        let limit = max(1, options.pullLimit)
        var reply = try await connection.request({ $0.pull(since: since, limit: limit) }, awaiting: "changes")
        while true {
            guard case .changes(let page, let followUp) = reply else { throw .protocolViolation("expected changes for a pull") }
            if let followUp {
                guard !page.ops.isEmpty else { throw .protocolViolation("changes says more but holds no ops after \(page.next)") }
                try await connection.send(followUp)
            }
            if !page.ops.isEmpty {
                let node = node
                let fresh = localThrough == 0 ? page.ops : page.ops.filter { $0.node != node || $0.seq > localThrough }
                try replicaCall("applying \(page.ops.count) pulled ops") { try replica.applyRemote(fresh, cursor: page.next) }
            }
            summary.pulled += page.ops.count
            summary.applied += page.ops.count(where: { $0.node != node })
            summary.head = max(summary.head, page.next)
            summary.cursor = page.next
            options.onEvent?(.progress(meter.pulled(page.ops.count)))
            guard followUp != nil else { return }
            reply = try await connection.reply(awaiting: "changes")
        }
    }
}
