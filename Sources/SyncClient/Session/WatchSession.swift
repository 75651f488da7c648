import NIOCore
import SyncModel
import SyncProtocol

/// One connection's worth of `watch`: subscribe from the cursor, apply every `changes` as it
/// arrives (with those already waiting behind it, in one transaction), push local ops as they
/// appear in the outbox, ping when the line is quiet. Returns
/// or throws when the connection ends; ``WatchLoop`` reconnects.
struct WatchSession {
    let replica: any SyncingReplica
    /// The options; ``SyncClientOptions/pushBatchSize`` comes down to a daemon's limit on
    /// `too_many_ops`, as in ``SyncRun``.
    private(set) var options: SyncClientOptions
    /// This replica's node, to tell its own ops coming back from others' in reports.
    let node: String
    private var meter: ProgressMeter
    private var cursor: UInt64
    private var push: (lastSeq: UInt64, count: Int, sent: ContinuousClock.Instant, sentThrough: UInt64?)?
    private var ping: ContinuousClock.Instant?
    private var lastHeard = ContinuousClock.now
    private var lastSent = ContinuousClock.now
    /// Reads about one push of outbox ops at a time, whatever their size.
    private var outboxRead = OutboxReadAhead(first: 16, bytes: PushSize.budget)

    init(replica: any SyncingReplica, node: String, options: SyncClientOptions) throws(SyncClientError) {
        self.node = node
        self.replica = replica
        self.options = options
        cursor = try replicaCall("reading the cursor") { try replica.cursor() }
        meter = ProgressMeter(expected: try replicaCall("reading the outbox") { try replica.outboxCount() })
    }

    /// Runs until the connection fails (throws) or the task is cancelled (throws ``SyncClientError/cancelled``).
    mutating func run(on connection: SessionConnection) async throws(SyncClientError) -> Never {
        let since = cursor
        try await connection.send { $0.subscribe(since: since) }
        connection.startTicks(every: options.outboxPollInterval)
        try await pushIfNeeded(on: connection)
        while true {
            let incoming: SessionConnection.Incoming
            do throws(SyncClientError) {
                incoming = try await connection.next()
            } catch .server(.snapshotRequired, let message) where connection.isOpen {
                // The subscription reaches behind the log's horizon. A push or ping sent after the
                // subscribe is answered after the refusal: take those replies first, so that the
                // caller's bootstrap reads its own.
                try await settle(on: connection)
                throw .server(code: .snapshotRequired, message: message)
            } catch .server(let code, let message) where connection.isOpen {
                // A refusal while watching answers the push in flight: nothing of it was stored.
                let stated = push?.sentThrough ?? nil
                try replicaCall("unmarking refused ops") { try replica.unmarkRefused(stated: stated, message: message, node: node) }
                // A burst of local edits bigger than the daemon takes per push: send smaller ones.
                if code == .tooManyOps, push != nil, options.fitPushes(toRefusal: message) {
                    push = nil
                    try await pushIfNeeded(on: connection)
                    continue
                }
                throw .server(code: code, message: message)
            }
            switch incoming {
            case .tick:
                try await tick(on: connection)
            case .event(let event):
                lastHeard = .now
                try await handle(event, on: connection)
            }
        }
    }

    /// Waits for the replies to the push and ping in flight, if any, and takes them (an ack drops
    /// its ops from the outbox); sends nothing more. The subscription was refused, so any other
    /// line breaks the protocol.
    private mutating func settle(on connection: SessionConnection) async throws(SyncClientError) {
        while push != nil || ping != nil {
            switch try await connection.next() {
            case .tick:
                try checkDeadlines()
            case .event(.acknowledged(let ack, let through)):
                try take(ack, through: through)
            case .event(.pong):
                ping = nil
            case .event:
                throw .protocolViolation("unexpected message after the subscription was refused")
            }
        }
    }

    /// Applies `page` together with the `changes` lines already waiting behind it, in one
    /// transaction (at most ``coalescedOps`` ops), then handles the event that ended the run
    /// (never a `changes`: those join the run) and, if one came during the run, a tick. A
    /// watcher that fell behind (a busy laptop, many commits at once) so catches up in fewer,
    /// larger transactions instead of one per commit; one that keeps up applies each page alone.
    /// A tick queued between two waiting lines does not end the run: the transport reads ahead
    /// within a byte budget (``ReadDemand``), so every line that arrived while the last apply ran
    /// is waiting, ticks or not.
    private mutating func applyChanges(_ page: Changes, on connection: SessionConnection) async throws(SyncClientError) {
        var ops = page.ops
        var next = page.next
        var after: ClientSession.Event?
        var ticked = false
        while ops.count < WatchSession.coalescedOps, connection.hasWaitingLine {
            switch try await connection.next() {
            case .tick:
                ticked = true
                continue
            case .event(.changes(let more, _)):
                ops += more.ops
                next = more.next
                continue
            case .event(let other):
                after = other
            }
            break
        }
        try apply(ops, through: next)
        if let after { try await handle(after, on: connection) }
        if ticked { try await tick(on: connection) }
    }

    /// The most ops ``applyChanges(_:on:)`` gathers into one transaction: a few of the daemon's
    /// largest pages.
    static let coalescedOps = 20_000

    private mutating func apply(_ ops: [Op], through next: UInt64) throws(SyncClientError) {
        guard !ops.isEmpty else { return }
        try replicaCall("applying \(ops.count) live ops") { try replica.applyRemote(ops, cursor: next) }
        cursor = next
        options.onEvent?(.applied(ops: ops.count, fromOthers: ops.count(where: { $0.node != node }), cursor: cursor))
        options.onEvent?(.progress(meter.pulled(ops.count)))
    }

    private mutating func handle(_ event: ClientSession.Event, on connection: SessionConnection) async throws(SyncClientError) {
        switch event {
        case .changes(let page, _):
            try await applyChanges(page, on: connection)
        case .acknowledged(let ack, let through):
            try take(ack, through: through)
            try await pushIfNeeded(on: connection)
        case .pong:
            ping = nil
        case .welcomed, .stateHash, .refused, .violation, .snapshotPage:
            throw .protocolViolation("unexpected message while watching")
        }
    }

    /// Drops the acknowledged push from the outbox.
    private mutating func take(_ ack: Ack, through: UInt64?) throws(SyncClientError) {
        guard let sent = push, through == sent.lastSeq else { throw .protocolViolation("ack \(ack.id) answers no push in flight") }
        try AckRule.check(ack, batchSize: sent.count)
        try replicaCall("acknowledging pushed ops") { try replica.acknowledge(through: sent.lastSeq) }
        push = nil
        options.onEvent?(.progress(meter.pushed(sent.count)))
    }

    /// The periodic wake-up: deadlines, the outbox, the keep-alive ping.
    private mutating func tick(on connection: SessionConnection) async throws(SyncClientError) {
        try checkDeadlines()
        try await pushIfNeeded(on: connection)
        try await keepAlive(on: connection)
    }

    /// Sends the next outbox batch when there is one and no push awaits its ack.
    private mutating func pushIfNeeded(on connection: SessionConnection) async throws(SyncClientError) {
        guard push == nil else { return }
        let limit = outboxRead.limit(most: max(1, options.pushBatchSize))
        let read = try replicaCall("reading the outbox") { try replica.encodedOutbox(after: 0, limit: limit) }
        outboxRead.read(read)
        let batch = Array(read.prefix(PushSize.prefixCount(of: read)))
        guard let last = batch.last else { return }
        let sent = try replicaCall("marking ops sent") { try replica.sentThrough(raisingTo: last.seq) }
        try await connection.send(line: { $0.push(encoded: batch, sentThrough: sent) })
        push = (last.seq, batch.count, .now, sent)
        lastSent = .now
    }

    /// Pings after a quiet spell either way: nothing heard (a dead peer shows up as a missing
    /// `pong`) or nothing sent (the daemon closes a subscriber that sends nothing for its
    /// subscriber timeout, 90 s by default, even while `changes` keep coming).
    private mutating func keepAlive(on connection: SessionConnection) async throws(SyncClientError) {
        guard ping == nil, ContinuousClock.now - min(lastHeard, lastSent) >= options.keepAliveInterval.duration else { return }
        try await connection.send { $0.ping() }
        ping = .now
        lastSent = .now
    }

    private func checkDeadlines() throws(SyncClientError) {
        let limit = options.requestTimeout.duration
        if let push, ContinuousClock.now - push.sent > limit {
            throw .network(.timedOut, "no ack from the server within \(LineChannel.seconds(options.requestTimeout))")
        }
        if let ping, ContinuousClock.now - ping > limit {
            throw .network(.timedOut, "no pong from the server within \(LineChannel.seconds(options.requestTimeout))")
        }
    }
}

extension TimeAmount {
    /// The same span as a Swift `Duration`.
    var duration: Duration { .nanoseconds(nanoseconds) }
}
