import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO
import SyncModel

/// The daemon's op log and tokens in PostgreSQL (`plansyncd serve --postgres URL`), shared by
/// every daemon pointed at the same database. Tables: `ps_log` (position, node, seq, department,
/// the op's wire JSON), `ps_head` (one row, the last position), `ps_tokens` (SHA-256 only),
/// versioned in `ps_migrations` (``PostgresMigrations``).
///
/// Commits from every daemon are one total order without gaps: each runs in one transaction that
/// first locks the `ps_head` row, admits the push with ``SyncModel/Admission`` against the log as
/// that transaction sees it, appends, moves the head, and sends `NOTIFY plansync_log`; it returns
/// after PostgreSQL acknowledged COMMIT, so an ack follows the database's commit.
///
/// **Synchronous at the seam.** ``SyncModel/ServerLogStorage`` is synchronous and the daemon calls
/// it from its thread pool and dispatch queues, never on an event loop nor a Swift-concurrency
/// task. So this type runs postgres-nio's `EventLoopFuture` API on an event-loop group of its own
/// and `wait()`s from the calling thread; it never blocks a cooperative thread on a semaphore,
/// which could deadlock the two-thread pool of a two-core machine. Do not call it on an event loop.
///
/// Connections: one for commits (they serialize on the head row anyway), a few for reads, each
/// behind a lock; one more per ``watchCommits(_:)`` for LISTEN.
///
/// Readable tables: with a `schema`, ``materialize()`` keeps one table per collection (one column
/// per field, `_deleted`) up with the log, as the SQLite file's own replica does.
///
/// Not yet done on PostgreSQL: compaction (``horizon()`` stays 0, the snapshot is empty), and the
/// access rules are not stored in the database.
/// ```swift
/// let log = try PostgresServerLog(url: PostgresURL("postgres://plansync@db:5432/plansync"))
/// let token = try log.addToken(department: "sales", expiresInDays: nil)
/// let watch = try log.watchCommits { hub.foreignCommit() }
/// ```
public final class PostgresServerLog: SharedLogStorage, TokenAdministration, Sendable {
    /// The channel commits notify and watchers listen on.
    static let channel = "plansync_log"

    /// The server and database, without the password.
    public let url: PostgresURL
    let group: MultiThreadedEventLoopGroup
    let configuration: PostgresConnection.Configuration
    let logger: Logger
    let writer: PostgresSession
    let readers: [PostgresSession]
    private let nextReader = NIOLockedValueBox(0)

    /// The schema of the readable tables ``materialize()`` keeps; nil keeps none (token commands).
    let schema: Schema?
    /// What ``materialize()`` keeps between calls; its lock also makes one ``materialize()`` at a
    /// time in this process (the `ps_materialized` row orders daemons).
    let materialized = NIOLockedValueBox(MaterializedCache())
    /// The connection ``materialize()`` works on, so that it holds up neither commits nor reads.
    let materializer: PostgresSession

    /// Connects (a first connection checks the server now), migrates the database to the schema
    /// this build knows, and keeps `readConnections` connections for reads. Throws
    /// ``PostgresLogError`` when the server cannot be reached, refuses the login, or holds a newer
    /// schema. With `schema`, ``materialize()`` keeps its readable tables.
    public init(url: PostgresURL, readConnections: Int = 2, schema: Schema? = nil, logger: Logger = Logger(label: "plansyncd.postgres")) throws {
        self.url = url
        self.schema = schema
        self.logger = logger
        let configuration = try url.configuration()
        self.configuration = configuration
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        writer = PostgresSession(configuration: configuration, eventLoop: loop, logger: logger, id: 0)
        readers = (1...max(1, readConnections)).map {
            PostgresSession(configuration: configuration, eventLoop: loop, logger: logger, id: $0)
        }
        materializer = PostgresSession(configuration: configuration, eventLoop: loop, logger: logger, id: readers.count + 1)
        do { try PostgresMigrations.migrate(writer) } catch {
            shutdown()
            throw error
        }
    }

    /// Shuts down as ``shutdown()`` does, or, on an event loop where waiting is not allowed,
    /// starts closing the connections and stopping the loop without waiting.
    deinit {
        if MultiThreadedEventLoopGroup.currentEventLoop == nil {
            shutdown()
        } else {
            group.shutdownGracefully { _ in }
        }
    }

    /// Closes every connection and stops the event loop (idempotent; not on an event loop).
    /// Cancel watches first.
    public func shutdown() {
        writer.close()
        for reader in readers { reader.close() }
        materializer.close()
        try? group.syncShutdownGracefully()
    }

    /// Runs `body` on the next read connection.
    func read<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let index = nextReader.withLockedValue { value in
            defer { value = (value + 1) % readers.count }
            return value
        }
        return try readers[index].with(body)
    }

    // MARK: Log

    /// The last position, 0 when empty.
    public func head() throws -> UInt64 {
        try read { connection in
            UInt64(max(0, try connection.value("SELECT position FROM ps_head", as: Int64.self, logger: logger) ?? 0))
        }
    }

    /// The highest seq of `node` in the log, 0 if none.
    public func lastSeq(of node: String) throws -> UInt64 {
        try read { connection in try PostgresLogIndex.lastSeq(of: node, connection, logger: logger) }
    }

    /// The stored content of `dot` (without department and position), nil if not in the log.
    public func storedOp(_ dot: Dot) throws -> Op? {
        try read { connection in try PostgresLogIndex.storedOp(dot, connection, logger: logger) }
    }

    /// The log's total of the counter `key` (``SyncModel/OpLogIndex/counterTotal(_:)``).
    public func counterTotal(_ key: CounterKey) throws -> Int64 {
        try read { connection in try PostgresLogIndex.counterTotal(key, connection, logger: logger) }
    }

    /// Ops with position > `since` in log order, at most `limit`, with `department` and `log` set.
    public func ops(since: UInt64, limit: Int) throws -> [Op] {
        try collectOps(since: since, limit: limit)
    }

    /// Rows fetched per round trip by ``forEachOp(since:limit:_:)``.
    static let readRun = 256

    /// ``ops(since:limit:)`` one op at a time, fetched in runs of ``readRun`` rows and decoded
    /// only as `body` takes them.
    public func forEachOp(since: UInt64, limit: Int, _ body: (Op) throws -> Bool) throws {
        var cursor = Int64(clamping: since)
        var left = max(0, limit)
        while left > 0 {
            let run = min(left, PostgresServerLog.readRun)
            let ops = try read { connection in try opsPage(after: cursor, limit: run, connection) }
            for op in ops {
                cursor = Int64(clamping: op.log ?? 0)
                guard try body(op) else { return }
            }
            guard ops.count == run else { return }
            left -= run
        }
    }

    /// At most `limit` ops after position `cursor`, in log order, stamped with department and position.
    func opsPage(after cursor: Int64, limit: Int, _ connection: PostgresConnection) throws -> [Op] {
        try connection.run("SELECT position, department, op FROM ps_log WHERE position > \(cursor) ORDER BY position LIMIT \(limit)", logger: logger).map { row in
            let (position, department, json) = try PostgresOpRow.decode(row, as: (Int64, String, ByteBuffer).self)
            var op = try PostgresOpRow.op(json)
            op.department = department
            op.log = UInt64(max(0, position))
            return op
        }
    }

    // MARK: Tokens at hello

    /// The department bound to `token`, nil when unknown or revoked.
    public func department(forToken token: String) throws -> String? {
        let hash = PostgresServerLog.tokenHash(token)
        return try read { connection in
            try connection.value("SELECT department FROM ps_tokens WHERE hash = \(hash) AND revoked_at IS NULL", as: String.self, logger: logger)
        }
    }

    /// Whether `token` is valid at `nowMilliseconds` (unknown, revoked, expired); with `recordUse`
    /// a valid token's last use is set to now, at most once a minute so that hellos do not each write.
    public func checkToken(_ token: String, nowMilliseconds: UInt64, recordUse: Bool) throws -> TokenCheck {
        let hash = PostgresServerLog.tokenHash(token)
        let rows = try read { connection in
            try connection.run("SELECT department, revoked_at, expires_at, last_used_at FROM ps_tokens WHERE hash = \(hash)", logger: logger)
        }
        guard let row = rows.first else { return .unknown }
        let (department, revoked, expires, lastUsed) = try PostgresOpRow.decode(row, as: (String, Int64?, Int64?, Int64?).self)
        if revoked != nil { return .revoked }
        let now = Int64(clamping: nowMilliseconds)
        if let expires, expires <= now { return .expired(atMilliseconds: UInt64(max(0, expires))) }
        if recordUse, lastUsed.map({ now - $0 >= 60_000 }) ?? true {
            _ = try writer.with { connection in
                try connection.run("UPDATE ps_tokens SET last_used_at = \(now) WHERE hash = \(hash)", logger: logger)
            }
        }
        return .valid(department: department)
    }
}
