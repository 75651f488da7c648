import SyncModel
import SyncProtocol

/// One `sync`: push the outbox in batches, then pull until `more` is false (DESIGN.md, "Wire
/// contract"). Ops leave the outbox only after their `ack`; the cursor moves only with an applied
/// batch; so a run cut off anywhere leaves a replica the next run completes.
///
/// A push the daemon refuses without closing the session does not stop the pull, and what can
/// be repaired from here is repaired once before giving up (protocol/PROTOCOL.md §8.2):
/// `seq_gap` for this node (the daemon lost own ops: restored from an older backup) queues the
/// lost ops again from the replica; `clock_skew` with a local clock that is right again
/// re-stamps the unsent ops. The run then throws the refusal after the pull, so it never reports
/// success while the daemon lacks something. A pull from position 0 (a new replica, or one whose
/// daemon lost history) checks that the log holds every op of other nodes this replica holds,
/// and throws ``SyncClientError/lostHistory(missing:nodes:)`` when it does not.
struct SyncRun {
    let replica: any SyncingReplica
    let node: String
    /// The options; ``SyncClientOptions/pushBatchSize`` comes down to a daemon's limit once a push
    /// was refused as `too_many_ops`.
    private(set) var options: SyncClientOptions
    let welcome: Welcome
    var summary = SyncSummary()
    private var meter: ProgressMeter
    /// The push's refusal, thrown once the pull ran.
    private var refusal: SyncClientError?
    /// Whether the replica had applied nothing and made no op when the run began: a new laptop,
    /// whose pull applies every op it receives (``catchUpFollowing(after:)``).
    private let isNew: Bool

    init(replica: any SyncingReplica, node: String, options: SyncClientOptions, welcome: Welcome) throws(SyncClientError) {
        self.replica = replica
        self.node = node
        self.options = options
        self.welcome = welcome
        let outbox = try replicaCall("reading the outbox") { try replica.outboxCount() }
        let cursor = try replicaCall("reading the cursor") { try replica.cursor() }
        meter = ProgressMeter(expected: outbox + Int(clamping: welcome.head > cursor ? welcome.head - cursor : 0))
        let lastOwn = try replicaCall("reading the last own seq") { try replica.lastOwnSeq() }
        isNew = cursor == 0 && lastOwn == 0
        summary.head = welcome.head
    }

    /// Pushes (unless the local clock is far behind), then pulls; returns what was done, or
    /// throws the push's refusal or the daemon's lost history after the pull.
    mutating func run(on connection: SessionConnection, greeting: Greeting.Outcome) async throws(SyncClientError) -> SyncSummary {
        let localThrough = try await pushPhase(on: connection, greeting: greeting)
        // Not after `duplicate_dot`: this file is a copy, and the ops its twin made under the same
        // dots would be skipped here as applied (`plansync rekey` first).
        if refusal?.serverCode != .duplicateDot {
            // The daemon lacked own ops it had acknowledged: its log was restored, and positions
            // this replica passed may now hold other ops. Read it all again (skipped by dot).
            if summary.resent > 0 { try resetCursor() }
            try await pullAll(on: connection, localThrough: localThrough)
        }
        if let refusal { throw refusal }
        if let lacking { throw .lostHistory(missing: lacking.missing, nodes: lacking.nodes) }
        if let ownLacking { throw .ownHistoryLost(missing: ownLacking.missing, through: ownLacking.through) }
        return summary
    }

    /// What the daemon lacks of the ops this replica holds, found by a pull from position 0.
    private var lacking: (missing: UInt64, nodes: [String])?
    /// What the daemon lacks of this replica's own acknowledged ops after the push phase: ops the
    /// replica could not send again.
    private var ownLacking: (missing: UInt64, through: UInt64)?

    private func resetCursor() throws(SyncClientError) {
        do { try replica.resetCursor(to: 0) } catch is RepairUnsupported {} catch {
            throw .replica("moving the cursor back: \(error)")
        }
    }

    /// After reading the whole log (`seen`: node → highest seq in it), the ops of other nodes this
    /// replica holds and the log does not: the daemon lost them. Then the cursor goes back to 0,
    /// so the next sync checks again, until their replicas pushed them again.
    private mutating func checkHeld(against seen: VersionVector) throws(SyncClientError) {
        guard let marks = try replicaCall("reading the applied marks", { try replica.appliedMarks() }) else { return }
        var missing: UInt64 = 0
        var nodes: [String] = []
        for (n, seq) in marks.sorted where n != node && seq > seen[n] {
            missing += seq - seen[n]
            nodes.append(n)
        }
        // Own ops left the outbox only with an ack; after the push phase (which sent again what
        // the op record still held) the log must hold every one before the first unsent op.
        let lastOwn = try replicaCall("reading the last own seq") { try replica.lastOwnSeq() }
        let firstUnsent = try replicaCall("reading the outbox") { try replica.outbox(limit: 1).first?.seq }
        let acknowledged = firstUnsent.map { min(lastOwn, $0 - 1) } ?? lastOwn
        if acknowledged > seen[node] { ownLacking = (acknowledged - seen[node], acknowledged) }
        guard missing > 0 else { return }
        try resetCursor()
        lacking = (missing, nodes)
    }

    /// The push half of a session, as `watch` runs it before subscribing: throws the refusal
    /// that repairs did not cure.
    mutating func pushOnly(on connection: SessionConnection, greeting: Greeting.Outcome) async throws(SyncClientError) {
        _ = try await pushPhase(on: connection, greeting: greeting)
        if let refusal { throw refusal }
    }

    /// Pushes with repairs; a refusal left is kept in ``refusal``. Returns the highest own seq
    /// read from the outbox (0 after a refusal).
    private mutating func pushPhase(on connection: SessionConnection, greeting: Greeting.Outcome) async throws(SyncClientError) -> UInt64 {
        if let behind = greeting.clockBehind {
            refusal = behind
            return 0
        }
        var repaired: Set<ErrorCode> = []
        while true {
            do throws(SyncClientError) {
                if try outboxIsEmpty() {
                    do throws(SyncClientError) {
                        try await probeOwnHistory(on: connection)
                    } catch .server(let code, let message) where connection.isOpen && code != .seqGap && code != .duplicateDot {
                        // Only a check: an op the daemon took once but judges otherwise now
                        // (stricter validation) says nothing about lost history.
                        options.logger.debug("own-history check refused (\(code.rawValue)): \(message)")
                    }
                    if try outboxIsEmpty() { return 0 }
                }
                return try await pushOutbox(on: connection)
            } catch .server(let code, let message) where connection.isOpen {
                if repaired.insert(code).inserted, try await repair(code, message, on: connection) { continue }
                if refusal == nil { refusal = .server(code: code, message: message) }
                return 0
            }
        }
    }

    private func outboxIsEmpty() throws(SyncClientError) -> Bool {
        try replicaCall("reading the outbox") { try replica.outboxCount() } == 0
    }

    /// With nothing to push, sends this node's last op again: the daemon counts it a duplicate
    /// when it has it, and answers `seq_gap` when its log lost it (a restored backup), which
    /// ``repair(_:_:)`` then mends. Skipped when the replica no longer holds that op.
    private mutating func probeOwnHistory(on connection: SessionConnection) async throws(SyncClientError) {
        let last = try replicaCall("reading the last own seq") { try replica.lastOwnSeq() }
        guard last > 0, let op = try replicaCall("reading own op \(last)", { try replica.ownOp(seq: last) }) else { return }
        try await connection.send(line: { $0.push(encoded: [op]) })
        guard case .acknowledged(let ack, _) = try await connection.reply(awaiting: "ack") else { throw .protocolViolation("expected ack for a push") }
        try AckRule.check(ack, batchSize: 1)
        if ack.accepted == 1 { noteResent(1) }
        summary.head = max(summary.head, ack.head)
    }

    /// Mends what a non-fatal refusal says, when this replica can: true when the push should go again.
    private mutating func repair(_ code: ErrorCode, _ message: String, on connection: SessionConnection) async throws(SyncClientError) -> Bool {
        switch code {
        case .duplicateDot:
            // The ops before the refused one are the twin file's to the byte: acknowledged, so
            // `plansync rekey` moves only the ops the daemon does not hold.
            _ = await settle(before: code, message, on: connection)
            return false
        case .tooManyOps:
            // A daemon configured for fewer ops per push (`--max-ops-per-push`) says how many.
            return options.fitPushes(toRefusal: message)
        case .seqGap:
            guard let expected = SeqGap.expectedSeq(in: message, node: node) else { return false }
            let queued: Int
            do { queued = try replica.requeueOwnOps(from: expected) } catch {
                refusal = .server(code: code, message: "\(message); \(error)")
                return false
            }
            guard queued > 0 else { return false }
            noteResent(queued)
            return true
        case .clockSkew:
            // Re-stamp only ops the daemon lacks: the ones before the refused op may be stored
            // already (an ack lost on the way), and a stored op must keep its content.
            guard await settle(before: code, message, on: connection) else { return false }
            let stamped = try replicaCall("re-stamping the unsent ops") {
                try replica.restampOutbox(serverTime: welcome.time, maxSkewMilliseconds: options.maxClockSkewMilliseconds)
            }
            guard stamped > 0 else { return false }
            options.logger.notice("re-stamped \(stamped) unsent ops with the corrected clock")
            summary.restamped += stamped
            options.onEvent?(.restamped(count: stamped))
            return true
        default:
            return false
        }
    }

    /// Pushes the unsent ops before the op a refusal names (``RefusedOp``): the daemon judged each
    /// a duplicate or new, so their acks take them out of the outbox. False when the message names
    /// no op of this node or the daemon refused again (then ``refusal`` holds that refusal).
    private mutating func settle(before code: ErrorCode, _ message: String, on connection: SessionConnection) async -> Bool {
        guard let seq = RefusedOp.seq(in: message, node: node) else { return false }
        do throws(SyncClientError) {
            _ = try await pushOutbox(on: connection, below: seq)
            return true
        } catch {
            refusal = error
            return false
        }
    }

    private mutating func noteResent(_ count: Int) {
        options.logger.warning("the daemon lacked \(count) own ops; sending them again")
        summary.resent += count
        options.onEvent?(.resent(count: count))
    }

    /// Sends the outbox in batches of ``SyncClientOptions/pushBatchSize``, up to
    /// ``SyncClientOptions/pushesInFlight`` ahead of their `ack`s (``PushPipeline``), and drops
    /// each batch from the outbox once its `ack` arrived. Returns the highest own seq read from
    /// the outbox: every own op up to it is in the local replica. A refused push throws once the
    /// pushes sent behind it were answered, so the session can go on.
    /// `below` stops at the first op with that seq or more.
    mutating func pushOutbox(on connection: SessionConnection, below: UInt64 = .max) async throws(SyncClientError) -> UInt64 {
        var pipeline = PushPipeline(batchSize: options.pushBatchSize, depth: options.pushesInFlight)
        var stated: [UInt64?] = []      // each push in flight's `sent_through`, oldest first
        while true {
            if pipeline.wantsOps {
                let after = pipeline.readThrough, limit = pipeline.readAhead
                let read = try replicaCall("reading the outbox") { try replica.encodedOutbox(after: after, limit: limit) }
                try pipeline.read(below == .max ? read : Array(read.prefix { $0.seq < below }))
            }
            if let batch = pipeline.nextBatch() {
                let last = batch[batch.count - 1].seq          // the pipeline keeps seqs rising
                let sent = try replicaCall("marking ops sent") { try replica.sentThrough(raisingTo: last) }
                try await connection.send(line: { $0.push(encoded: batch, sentThrough: sent) })
                stated.append(sent)
                continue
            }
            guard pipeline.awaitingAck else { return pipeline.readThrough }
            let reply: ClientSession.Event
            do throws(SyncClientError) {
                reply = try await connection.reply(awaiting: "ack")
            } catch .server(let code, let message) where connection.isOpen {
                pipeline.refusedOldest()
                // The daemon stored nothing of the refused push, nor of those behind it (each
                // then misses its predecessor's ops): their ops stay never sent.
                let refusedStated = stated.first ?? nil
                while pipeline.awaitingAck {
                    do throws(SyncClientError) {
                        try take(try await connection.reply(awaiting: "ack"), into: &pipeline)
                    } catch .server where connection.isOpen {
                        pipeline.refusedOldest()
                    }
                }
                try replicaCall("unmarking refused ops") { try replica.unmarkRefused(stated: refusedStated, message: message, node: node) }
                throw .server(code: code, message: message)
            }
            stated.removeFirst()
            try take(reply, into: &pipeline)
        }
    }

    /// Drops an acknowledged batch from the outbox and counts it.
    private mutating func take(_ reply: ClientSession.Event, into pipeline: inout PushPipeline) throws(SyncClientError) {
        guard case .acknowledged(let ack, let through?) = reply else { throw .protocolViolation("expected ack for a push") }
        let count = try pipeline.acknowledged(ack, through: through)
        try replicaCall("acknowledging pushed ops") { try replica.acknowledge(through: through) }
        summary.pushed += ack.accepted
        summary.duplicates += ack.duplicates
        summary.head = max(summary.head, ack.head)
        options.onEvent?(.progress(meter.pushed(count)))
    }

    /// Pulls from the replica's cursor until the server says there is no more, applying each
    /// page with its `next` as the new cursor in one replica transaction. The next pull goes out
    /// before a page is applied, so the daemon reads it meanwhile. Own ops up to `localThrough`
    /// are in the replica already and are not handed to it again. When the daemon answers
    /// `snapshot_required` (its log was compacted past the cursor), the replica is bootstrapped
    /// from the snapshot first (``bootstrap(on:horizon:)``), then the pull goes on from there.
    mutating func pullAll(on connection: SessionConnection, localThrough: UInt64 = 0) async throws(SyncClientError) {
        try await recheckMark(on: connection)
        let since = try replicaCall("reading the cursor") { try replica.cursor() }
        // From 0 the pull reads the whole log: what it holds is checked against the replica.
        var seen: VersionVector? = since == 0 ? VersionVector() : nil
        do throws(SyncClientError) {
            try await pullPages(on: connection, since: since, into: .replica(localThrough: localThrough), seen: &seen)
        } catch .server(.snapshotRequired, let message) where connection.isOpen {
            guard let horizon = connection.refusedHorizon else { throw .server(code: .snapshotRequired, message: message) }
            try await bootstrap(on: connection, horizon: horizon)
            let resumed = try replicaCall("reading the cursor") { try replica.cursor() }
            var unchecked: VersionVector?
            try await pullPages(on: connection, since: resumed, into: .replica(localThrough: localThrough), seen: &unchecked)
            return
        }
        if let seen { try checkHeld(against: seen) }
    }

    /// Moves the cursor back to 0 when the daemon holds another op at the replica's mark
    /// (``rewrittenMark(on:)``), so that the pull or subscription that follows reads the whole
    /// log again. Nothing when the cursor is 0.
    mutating func recheckMark(on connection: SessionConnection) async throws(SyncClientError) {
        guard try replicaCall("reading the cursor", { try replica.cursor() }) > 0,
              let mark = try await rewrittenMark(on: connection) else { return }
        options.logger.warning("the daemon's log holds another op at position \(mark.position) than the \(mark.dot) this replica read there: it lost history (restored from a backup?); reading the whole log again")
        try resetCursor()
    }

    /// The replica's ``CursorMark`` when the daemon now holds another op at its position: its log
    /// was restored from an older copy and grew back past the cursor. nil when the op is there,
    /// or when the position is beyond the head or holds no op this department may read (nothing
    /// to compare: the rules may have changed), or was compacted. One pull of one op.
    private func rewrittenMark(on connection: SessionConnection) async throws(SyncClientError) -> CursorMark? {
        guard let mark = try replicaCall("reading the cursor mark", { try replica.cursorMark() }),
              mark.position <= welcome.head else { return nil }
        let reply: ClientSession.Event
        do throws(SyncClientError) {
            reply = try await connection.request({ $0.pull(since: mark.position - 1, limit: 1) }, awaiting: "changes")
        } catch .server(.snapshotRequired, _) where connection.isOpen {
            return nil   // compacted past the mark: nothing to compare; the pull bootstraps
        }
        guard case .changes(let page, _) = reply, let op = page.ops.first, op.log == mark.position else { return nil }
        return op.dot == mark.dot ? nil : mark
    }

    /// Where pulled pages go.
    enum PullTarget {
        /// The replica; own ops up to `localThrough` are in it already and are left out.
        case replica(localThrough: UInt64)
        /// A replica being bootstrapped: every op.
        case bootstrap(any SnapshotBootstrap)
    }

    /// How many ops a pull will surely apply after the page that ends at `next`: the positions up
    /// to the head the `welcome` named, when each of them is an op this replica applies, that is
    /// when it is new (it made no op, so none comes back to be skipped, and applied none before)
    /// and its department reads every collection (none is held back). Else 0: no hint
    /// (``SyncingReplica/applyRemote(_:cursor:following:)``). Only the op record depends on it.
    func catchUpFollowing(after next: UInt64) -> UInt64 {
        let readsEverything = welcome.rules?.entries.allSatisfy { $0.access != .read } ?? true
        guard isNew, readsEverything, welcome.head > next else { return 0 }
        return welcome.head - next
    }

    /// Pulls pages from `since` until `more` is false, applying each page with its `next` in one
    /// transaction of `target`, the next pull sent before a page is applied; `seen`, when not
    /// nil, observes every dot pulled.
    mutating func pullPages(on connection: SessionConnection, since: UInt64, into target: PullTarget,
                            seen: inout VersionVector?) async throws(SyncClientError) {
        let limit = max(1, options.pullLimit)
        var reply = try await connection.request({ $0.pull(since: since, limit: limit) }, awaiting: "changes")
        while true {
            guard case .changes(let page, let followUp) = reply else { throw .protocolViolation("expected changes for a pull") }
            if let followUp {
                guard !page.ops.isEmpty else { throw .protocolViolation("changes says more but holds no ops after \(page.next)") }
                try await connection.send(followUp)
            }
            if seen != nil { for op in page.ops { seen?.observe(op.dot) } }
            if !page.ops.isEmpty {
                let node = node, replica = replica
                switch target {
                case .replica(let localThrough):
                    let fresh = localThrough == 0 ? page.ops : page.ops.filter { $0.node != node || $0.seq > localThrough }
                    let following = catchUpFollowing(after: page.next)
                    try replicaCall("applying \(page.ops.count) pulled ops") { try replica.applyRemote(fresh, cursor: page.next, following: following) }
                case .bootstrap(let bootstrap):
                    try replicaCall("applying \(page.ops.count) pulled ops to the bootstrap") { try bootstrap.applyRemote(page.ops, cursor: page.next) }
                }
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
