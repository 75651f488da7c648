import NIOCore
import NIOPosix
import SyncModel
import SyncProtocol

/// Keeps one local replica in sync with the PlanSync daemon over the line protocol of DESIGN.md.
///
/// ```swift
/// let client = SyncClient(replica: store, schemaVersion: PlanningSchema.version)
/// let summary = try await client.sync()          // push the outbox, pull until up to date
/// print(summary.pushed, summary.pulled, summary.head)
/// try await client.watch()                       // live, until the task is cancelled
/// ```
/// The client depends only on ``SyncModel/SyncingReplica``: the SQLite store and an in-memory
/// replica work alike. Run one `sync` or `watch` per replica at a time.
///
/// Failures are ``SyncClientError``s: `server(code:message:)` for refusals, `network` for a daemon
/// that cannot be reached (within ``SyncClientOptions/connectTimeout``) or stops answering
/// (``SyncClientOptions/requestTimeout``). Outbox ops are dropped only after the daemon's `ack`,
/// and the cursor moves only with an applied batch, so no failure loses or doubles an op.
public final class SyncClient: Sendable {
    let replica: any SyncingReplica
    let schemaVersion: Int
    let group: any EventLoopGroup
    let options: SyncClientOptions

    /// - Parameters:
    ///   - replica: the local replica; its identity gives node, server and token.
    ///   - schemaVersion: sent in `hello.schema` (e.g. `PlanningSchema.version`).
    ///   - eventLoopGroup: where the connection runs; the process-wide NIO group by default.
    ///   - options: overrides, timeouts, batch sizes and the event callback.
    public init(replica: any SyncingReplica, schemaVersion: Int,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                options: SyncClientOptions = SyncClientOptions()) {
        self.replica = replica
        self.schemaVersion = schemaVersion
        self.group = eventLoopGroup
        self.options = options
    }

    /// Syncs once over one connection: pushes the outbox in batches of
    /// ``SyncClientOptions/pushBatchSize`` (each dropped from the outbox after its `ack`), then
    /// pulls from the replica's cursor until the daemon has no more, applying each page in one
    /// replica transaction. Returns the counts; throws ``SyncClientError`` on any failure, having
    /// kept everything acknowledged or applied so far. A push the daemon refuses without closing
    /// the session (`clock_skew`, `seq_gap`, `invalid_op`, …) is repaired when the replica can
    /// (own ops the daemon lost are sent again, unsent ops stamped by a clock that ran ahead are
    /// re-stamped once it is right); otherwise the pull still runs and the refusal is thrown after
    /// it (not after `duplicate_dot`: see `plansync rekey`). A local clock further behind the
    /// daemon's than ``SyncClientOptions/maxClockSkewMilliseconds`` pushes nothing and throws
    /// ``SyncClientError/clockBehind(milliseconds:allowedMilliseconds:)`` after the pull; a daemon
    /// log shorter than the cursor throws ``SyncClientError/lostHistory(cursor:head:resent:)``.
    public func sync() async throws(SyncClientError) -> SyncSummary {
        try await session { run, connection, greeting throws(SyncClientError) in try await run.run(on: connection, greeting: greeting) }
    }

    /// Opens a connection, takes in the `welcome`, runs `body` and closes the connection.
    private func session<T>(_ body: (inout SyncRun, SessionConnection, Greeting.Outcome) async throws(SyncClientError) -> T) async throws(SyncClientError) -> T {
        let identity = try replicaCall("reading the identity") { try replica.identity() }
        let target = try SessionTarget(identity: identity, options: options, schemaVersion: schemaVersion)
        let cursor = try Greeting.cursorBeforeHello(replica)
        let connection = try await SessionConnection.open(target, group: group, options: options)
        do throws(SyncClientError) {
            let greeting = try Greeting.accept(connection.welcome, cursor: cursor, department: identity.department, replica: replica, options: options)
            var run = try SyncRun(replica: replica, node: identity.node, options: options, welcome: connection.welcome)
            let result = try await body(&run, connection, greeting)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Brings the replica back to the daemon's state for its department's scope, dropping the
    /// unsent ops `discarding` (as ``SyncingReplica/outbox(limit:)`` listed them; `plansync outbox
    /// discard`, issue 13): over one connection,
    /// pushing nothing, it rebuilds the replica beside itself from the daemon as a bootstrap does
    /// (the snapshot when the log is compacted, else the log from position 0), re-applies the
    /// other unsent ops on top (renumbered around the dropped ones, ``SyncModel/OutboxDiscard``)
    /// and swaps the new file in atomically. With nothing else unsent, the state hash then equals
    /// the daemon's for the scope. Throws ``SyncClientError``, the replica unchanged: `.replica`
    /// naming an op that is not unsent, that the daemon already holds, or whose dot was renumbered
    /// since it was listed; network and server
    /// failures as ``sync()`` (a cut-off rebuild starts over at the next call).
    public func rebuild(discarding: [Op]) async throws(SyncClientError) -> SyncSummary {
        try await session { run, connection, _ throws(SyncClientError) in
            try await run.bootstrap(on: connection, horizon: nil, rebuild: true, discarding: discarding)
            return run.summary
        }
    }

    /// Stays in sync until the calling task is cancelled, then returns: subscribes from the
    /// cursor, applies each `changes` as it arrives, pushes new local ops (the outbox is looked at
    /// every ``SyncClientOptions/outboxPollInterval``), and after a network failure or the
    /// daemon's `internal`/`shutting_down` refusal reconnects with exponential backoff (from
    /// ``SyncClientOptions/initialBackoff`` up to ``SyncClientOptions/maxBackoff``), resuming from
    /// the cursor. Throws a refusal that retrying cannot fix (`auth_failed`, `seq_gap`, …).
    public func watch() async throws(SyncClientError) {
        try await WatchLoop(replica: replica, schemaVersion: schemaVersion, group: group, options: options).run()
    }
}
