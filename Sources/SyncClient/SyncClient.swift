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
        let identity = try replicaCall("reading the identity") { try replica.identity() }
        let target = try SessionTarget(identity: identity, options: options, schemaVersion: schemaVersion)
        let connection = try await SessionConnection.open(target, group: group, options: options)
        do throws(SyncClientError) {
            let greeting = try Greeting.accept(connection.welcome, replica: replica, options: options)
            var run = try SyncRun(replica: replica, node: identity.node, options: options, welcome: connection.welcome)
            let summary = try await run.run(on: connection, greeting: greeting)
            await connection.close()
            return summary
        } catch {
            await connection.close()
            throw error
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
