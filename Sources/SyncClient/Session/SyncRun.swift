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
        try await pushOutbox(on: connection)
        try await pullAll(on: connection)
        return summary
    }

    /// Sends the outbox in batches of ``SyncClientOptions/pushBatchSize`` and drops each batch
    /// from the outbox once its `ack` arrived.
    mutating func pushOutbox(on connection: SessionConnection) async throws(SyncClientError) {
        var acknowledged: UInt64 = 0
        while true {
            let batch = try replicaCall("reading the outbox") { try replica.outbox(limit: max(1, options.pushBatchSize)) }
            guard let last = batch.last else { return }
            guard last.seq > acknowledged else {
                throw .replica("the outbox still holds seq \(last.seq) after the server acknowledged it")
            }
            let reply = try await connection.request({ $0.push(batch) }, awaiting: "ack")
            guard case .acknowledged(let ack, let through?) = reply else { throw .protocolViolation("expected ack for a push") }
            try AckRule.check(ack, batchSize: batch.count)
            try replicaCall("acknowledging pushed ops") { try replica.acknowledge(through: through) }
            acknowledged = through
            summary.pushed += ack.accepted
            summary.duplicates += ack.duplicates
            summary.head = max(summary.head, ack.head)
            options.onEvent?(.progress(meter.pushed(batch.count)))
        }
    }

    /// Pulls from the replica's cursor until the server says there is no more, applying each
    /// page with its `next` as the new cursor in one replica transaction.
    mutating func pullAll(on connection: SessionConnection) async throws(SyncClientError) {
        let since = try replicaCall("reading the cursor") { try replica.cursor() }
        let limit = max(1, options.pullLimit)
        var reply = try await connection.request({ $0.pull(since: since, limit: limit) }, awaiting: "changes")
        while true {
            guard case .changes(let page, let followUp) = reply else { throw .protocolViolation("expected changes for a pull") }
            if !page.ops.isEmpty {
                try replicaCall("applying \(page.ops.count) pulled ops") { try replica.applyRemote(page.ops, cursor: page.next) }
            }
            summary.pulled += page.ops.count
            summary.applied += page.ops.count(where: { $0.node != node })
            summary.head = max(summary.head, page.next)
            summary.cursor = page.next
            options.onEvent?(.progress(meter.pulled(page.ops.count)))
            guard let followUp else { return }
            guard !page.ops.isEmpty else { throw .protocolViolation("changes says more but holds no ops after \(page.next)") }
            reply = try await connection.request({ _ in followUp }, awaiting: "changes")
        }
    }
}
