import Foundation
import GRDB
import SyncModel

/// The daemon's file: the op log (`ps_log`), the tokens (`ps_tokens`), and a replica of its own
/// (node `serverNode`, department `server`) whose readable tables ``materialize()`` keeps up with
/// the log, so that `ReplicaStore(opening:)` and `plansync status` work on it and print the same
/// state hash as the clients.
///
/// The file uses `synchronous=FULL`: a commit is on disk before ``commit(_:pushedBy:department:schema:wallMilliseconds:maxSkewMilliseconds:)``
/// returns. Errors are ``StoreError``, except refused pushes, which throw ``SyncModel/Admission/Refusal``.
/// ```swift
/// let log = try ServerLog(path: "plansync-server.sqlite", schema: PlanningSchema.schema)
/// let token = try log.addToken(department: "sales")
/// let result = try log.commit(ops, pushedBy: "sales-laptop", department: "sales", schema: schema,
///                             wallMilliseconds: now, maxSkewMilliseconds: 300_000)
/// try log.materialize()
/// ```
public final class ServerLog: ServerLogStorage, Sendable {
    /// Ops per transaction in ``materialize()``.
    public static let materializeBatch = 1_000

    let pool: DatabasePool
    /// The `synchronous` level of ``pool``'s writer, shared with ``replica``: log commits run at
    /// FULL, the materializing batches of ``replica`` at NORMAL.
    let synchronous: WriterSynchronous
    /// The daemon's own replica, on the same file.
    let replica: ReplicaStore

    /// The department of the daemon's own replica identity; reserved, so it marks a daemon's file.
    public static let department = "server"

    /// Whether `identity` is a daemon's own (department ``department``).
    static func isDaemonIdentity(_ identity: ReplicaIdentity) -> Bool {
        identity.department == department
    }

    /// Creates the file (identity `serverNode`, department ``department``) or opens an existing
    /// one. Throws ``StoreError/notAReplica(path:reason:)`` for a foreign file or a laptop's replica.
    public init(path: String, schema: Schema, serverNode: String = "plansyncd") throws {
        let layout = try TableLayout(schema)
        let synchronous = WriterSynchronous()
        self.synchronous = synchronous
        if FileManager.default.fileExists(atPath: path) {
            pool = try StoreDatabase.open(path, layout: layout)
            let identity = try ReplicaStore(pool: pool, synchronous: synchronous, layout: layout).identity()
            guard ServerLog.isDaemonIdentity(identity) else {
                throw StoreError.notAReplica(path: path, reason: "it is the replica of node \(identity.node) (\(identity.department)), not a daemon's file")
            }
        } else {
            let identity = ReplicaIdentity(node: serverNode, department: ServerLog.department)
            try ReplicaStore.validate(identity)
            pool = try StoreDatabase.create(at: path, layout: layout) { db in
                try IdentityRecord.insert(db, identity, schemaVersion: schema.version, wallMilliseconds: IdentityRecord.wallMilliseconds())
            }
        }
        replica = ReplicaStore(pool: pool, synchronous: synchronous, layout: layout)
    }

    // MARK: Log

    /// The last log position, 0 when empty.
    public func head() throws -> UInt64 {
        try read { db in try ServerLog.head(db) }
    }

    /// The last position: of the newest op, or the horizon when compaction folded every op.
    static func head(_ db: Database) throws -> UInt64 {
        let logged = UInt64(max(0, try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(position), 0) FROM ps_log")) ?? 0))
        return max(logged, try horizon(db))
    }

    /// The highest seq of `node` in the log, 0 if none.
    public func lastSeq(of node: String) throws -> UInt64 {
        try read { db in try LogIndex(db: db).lastSeq(of: node) }
    }

    /// The stored content of `dot` (without department and position), nil if not in the log.
    public func storedOp(_ dot: Dot) throws -> Op? {
        try read { db in try LogIndex(db: db).storedOp(dot) }
    }

    /// The highest seq of `node` folded into the snapshot, 0 if none.
    public func foldedSeq(of node: String) throws -> UInt64 {
        try read { db in try LogIndex(db: db).foldedSeq(of: node) }
    }

    /// The log's total of the counter `key` (``SyncModel/OpLogIndex/counterTotal(_:)``).
    public func counterTotal(_ key: CounterKey) throws -> Int64 {
        try read { db in try LogCounterTotals(db).total(key) }
    }

    /// Admits the push with ``SyncModel/Admission`` against the log inside one IMMEDIATE write
    /// transaction, appends the accepted ops stamped with `department`, their positions and the
    /// receive time, and commits durably. A refusal throws ``SyncModel/Admission/Refusal`` and
    /// changes nothing.
    public func commit(_ push: PendingPush, schema: Schema, wallMilliseconds: UInt64, maxSkewMilliseconds: UInt64) throws -> LogCommit {
        try write { db in
            try ServerLog.append(db, push, schema: schema, wallMilliseconds: wallMilliseconds, maxSkewMilliseconds: maxSkewMilliseconds)
        }
    }

    /// The group in one IMMEDIATE transaction, each push inside a savepoint of its own (a refused
    /// or failed push rolls back to it and the others go on), committed with one fsync. Should
    /// the transaction itself fail, every push of the group fails with its error: none was stored.
    public func commit(group: [PendingPush], schema: Schema, wallMilliseconds: UInt64,
                       maxSkewMilliseconds: UInt64) -> [Result<LogCommit, any Error>] {
        do {
            return try write { db in
                group.map { push in
                    Result {
                        var outcome: LogCommit?
                        try db.inSavepoint {
                            outcome = try ServerLog.append(db, push, schema: schema, wallMilliseconds: wallMilliseconds,
                                                           maxSkewMilliseconds: maxSkewMilliseconds)
                            return .commit
                        }
                        guard let outcome else { throw StoreError.corrupt("a savepoint ended without a result") }
                        return outcome
                    }
                }
            }
        } catch {
            return group.map { _ in .failure(error) }
        }
    }

    /// Admission and the append of one push, inside the caller's transaction.
    private static func append(_ db: Database, _ push: PendingPush, schema: Schema,
                               wallMilliseconds: UInt64, maxSkewMilliseconds: UInt64) throws -> LogCommit {
        let index = LogIndex(db: db)
        let department = push.department
        let admitted = try Admission.admit(push.ops, pushedBy: push.node, sentThrough: push.sentThrough, schema: schema, log: index,
                                           wallMilliseconds: wallMilliseconds, maxSkewMilliseconds: maxSkewMilliseconds)
        var head = try ServerLog.head(db)
        let insert = try RawStatement(db, "INSERT INTO ps_log (position, \(OpColumns.names), department, received_at) VALUES (?, \(OpColumns.placeholders), ?, ?)")
        let receivedAt = Int64(clamping: wallMilliseconds)
        var appended: [Op] = []
        appended.reserveCapacity(admitted.accepted.count)
        for var op in admitted.accepted {
            head += 1
            op.department = department
            op.log = head
            try insert.bind(1, seq: head)
            try insert.bind(2, columnsOf: op)
            try insert.bind(2 + Int32(OpColumns.count), department)
            try insert.bind(3 + Int32(OpColumns.count), receivedAt)
            try insert.run()
            appended.append(op)
        }
        try index.totals.write(admitted.counterTotals)
        return LogCommit(appended: appended, duplicates: admitted.duplicates, head: head)
    }

    /// Ops with position > `since` in log order, at most `limit`, with `department` and `log` set.
    public func ops(since: UInt64, limit: Int) throws -> [Op] {
        try collectOps(since: since, limit: limit)
    }

    /// ``ops(since:limit:)`` one op at a time from one SQLite cursor, in one read transaction:
    /// rows after the one `body` refuses are neither read nor decoded. Throws
    /// ``SyncModel/SnapshotRequired`` when `since` is below the horizon (those ops were compacted).
    public func forEachOp(since: UInt64, limit: Int, _ body: (Op) throws -> Bool) throws {
        try read { db in
            let horizon = try ServerLog.horizon(db)
            if since < horizon { throw SnapshotRequired(horizon: horizon) }
            let statement = try db.cachedStatement(sql: "SELECT \(OpColumns.names), department, position FROM ps_log WHERE position > ? ORDER BY position LIMIT ?")
            let rows = try Row.fetchCursor(statement, arguments: [Int64(clamping: since), max(0, limit)])
            while let row = try rows.next() {
                var op = try OpColumns.op(row)
                op.department = try row.decode(String.self, atIndex: OpColumns.count)
                op.log = UInt64(max(0, try row.decode(Int64.self, atIndex: OpColumns.count + 1)))
                guard try body(op) else { return }
            }
        }
    }

    /// Applies the log ops after the daemon replica's cursor to its readable tables, in
    /// transactions of ``materializeBatch`` ops, with the same code as ``ReplicaStore/applyRemote(_:cursor:)``.
    ///
    /// Each batch is told how many ops follow it up to the head read when the run began
    /// (``ReplicaStore/applyRemote(_:cursor:following:)``), so that only the newest ops of the run
    /// are encoded into the daemon replica's op record, which keeps no more than those anyway.
    public func materialize() throws {
        let head = try head()
        while true {
            let batch = try ops(since: try replica.cursor(), limit: ServerLog.materializeBatch)
            guard let last = batch.last?.log else { return }
            try replica.applyRemote(batch, cursor: last, following: head > last ? head - last : 0)
        }
    }

    // MARK: Transactions

    func write<T>(_ body: (Database) throws -> T) throws -> T { try pool.immediateWrite(.full, synchronous, body) }

    func read<T>(_ body: (Database) throws -> T) throws -> T { try pool.snapshotRead(body) }
}

/// ``SyncModel/OpLogIndex`` on `ps_log` within a transaction: the (node, seq) index answers both.
struct LogIndex: OpLogIndex {
    let db: Database
    /// The counter totals' statements, for this transaction.
    let totals: LogCounterTotals

    init(db: Database) {
        self.db = db
        totals = LogCounterTotals(db)
    }

    /// The highest seq in the log or, when all of the node's ops were compacted, in the snapshot.
    func lastSeq(of node: String) throws -> UInt64 {
        let logged = UInt64(max(0, try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(seq), 0) FROM ps_log WHERE node = ?"), arguments: [node]) ?? 0))
        return max(logged, try foldedSeq(of: node))
    }

    func foldedSeq(of node: String) throws -> UInt64 {
        UInt64(max(0, try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM ps_snapshot_vv WHERE node = ?"), arguments: [node]) ?? 0))
    }

    func counterTotal(_ key: CounterKey) throws -> Int64 { try totals.total(key) }

    func storedOp(_ dot: Dot) throws -> Op? {
        let statement = try db.cachedStatement(sql: "SELECT \(OpColumns.names) FROM ps_log WHERE node = ? AND seq = ?")
        return try Row.fetchOne(statement, arguments: [dot.node, Int64(clamping: dot.seq)]).map { try OpColumns.op($0).content }
    }
}
