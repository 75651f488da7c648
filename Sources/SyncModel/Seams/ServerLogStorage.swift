/// What the sync daemon needs from its durable op log. The SQLite store (`SyncStore.ServerLog`)
/// conforms; tests may use an in-memory one.
public protocol ServerLogStorage: OpLogIndex, Sendable {
    /// The last log position, 0 when empty.
    func head() throws -> UInt64
    /// Runs ``Admission/admit(_:pushedBy:sentThrough:schema:log:wallMilliseconds:maxSkewMilliseconds:)``
    /// on the push and appends the accepted ops stamped with its `department` and their log
    /// positions, in one durable transaction (committed to disk before it returns). Throws
    /// ``Admission/Refusal`` for a refused push, having changed nothing.
    func commit(_ push: PendingPush, schema: Schema, wallMilliseconds: UInt64, maxSkewMilliseconds: UInt64) throws -> LogCommit
    /// Commits `group` in order, each push as ``commit(_:schema:wallMilliseconds:maxSkewMilliseconds:)``
    /// would alone (admitted against the log and the pushes before it in the group; a refused one
    /// changes nothing), and returns one result per push, in order. The SQLite log makes the group
    /// one durable transaction, so many pushes share one fsync (group commit, as databases do for
    /// concurrent transactions); the default commits them one by one. A requirement, so calls
    /// through `any ServerLogStorage` reach the store's own.
    func commit(group: [PendingPush], schema: Schema, wallMilliseconds: UInt64,
                maxSkewMilliseconds: UInt64) -> [Result<LogCommit, any Error>]
    /// Ops with position > `since` in log order, at most `limit`, stamped with `department` and `log`.
    func ops(since: UInt64, limit: Int) throws -> [Op]
    /// Hands `body` the ops with position > `since` in log order (stamped as in
    /// ``ops(since:limit:)``), at most `limit`, one at a time, and stops reading as soon as `body`
    /// returns false: a caller that fills a page by bytes reads about what it keeps, not `limit`
    /// ops. A requirement, so calls through `any ServerLogStorage` reach a store's own cursor.
    func forEachOp(since: UInt64, limit: Int, _ body: (Op) throws -> Bool) throws
    /// The department bound to `token`, nil when unknown or revoked. Only token hashes are stored.
    func department(forToken token: String) throws -> String?
    /// Whether `token` is valid at `nowMilliseconds`, and why not; with `recordUse`, notes it as
    /// last used now (a `hello`; the daemon's periodic re-checks pass false). A requirement, so
    /// calls through `any ServerLogStorage` reach the store's own expiry and revocation.
    func checkToken(_ token: String, nowMilliseconds: UInt64, recordUse: Bool) throws -> TokenCheck
    /// The last compacted log position, 0 when the log was never compacted. Reads of ops at or
    /// below it (``ops(since:limit:)`` with a smaller `since`) throw ``SnapshotRequired``. A
    /// requirement, so calls through `any ServerLogStorage` reach the store's own answer.
    func horizon() throws -> UInt64
    /// A page of the snapshot at the horizon (``SnapshotPage``): records after `after` in key
    /// order, at most `limit` and about `maxBytes`, of the collections `readable` admits, read in
    /// one transaction. Throws ``SnapshotRequired`` when `horizon` is given and is not the
    /// snapshot's (it was replaced since the transfer began). A requirement, like ``horizon()``.
    func snapshotPage(horizon: UInt64?, after: SnapshotKey?, limit: Int, maxBytes: Int,
                      readable: (String) -> Bool) throws -> SnapshotPage
    /// Brings the daemon's readable replica tables up to the log head (default: nothing). A
    /// requirement, not only an extension method, so calls through `any ServerLogStorage` reach
    /// the conforming type's implementation.
    func materialize() throws
}

/// The outcome of a committed push.
public struct LogCommit: Equatable, Sendable {
    /// Accepted ops as appended, with `department` and `log` set.
    public var appended: [Op]
    /// Ops that were already in the log with the same content.
    public var duplicates: Int
    /// The log's last position after the commit.
    public var head: UInt64

    public init(appended: [Op], duplicates: Int, head: UInt64) {
        self.appended = appended
        self.duplicates = duplicates
        self.head = head
    }
}

/// One push to commit (``ServerLogStorage/commit(_:schema:wallMilliseconds:maxSkewMilliseconds:)``),
/// alone or in a group.
public struct PendingPush: Hashable, Sendable {
    /// The ops as pushed.
    public var ops: [Op]
    /// The authenticated node that pushed them.
    public var node: String
    /// The pushing token's department, stamped on every accepted op.
    public var department: String
    /// The push's `sent_through`: the highest seq of `node` its replica may have sent before this
    /// push, so that every op above it is sent for the first time (``Admission``, step 2); nil
    /// when the client does not say (an older one).
    public var sentThrough: UInt64?

    public init(ops: [Op], node: String, department: String, sentThrough: UInt64? = nil) {
        self.ops = ops
        self.node = node
        self.department = department
        self.sentThrough = sentThrough
    }
}

extension ServerLogStorage {
    /// ``commit(_:schema:wallMilliseconds:maxSkewMilliseconds:)`` of a push of `ops` by `node`
    /// that says nothing of what was sent before.
    public func commit(_ ops: [Op], pushedBy node: String, department: String, schema: Schema,
                       wallMilliseconds: UInt64, maxSkewMilliseconds: UInt64) throws -> LogCommit {
        try commit(PendingPush(ops: ops, node: node, department: department), schema: schema,
                   wallMilliseconds: wallMilliseconds, maxSkewMilliseconds: maxSkewMilliseconds)
    }

    /// One push after the other, each its own durable transaction.
    public func commit(group: [PendingPush], schema: Schema, wallMilliseconds: UInt64,
                       maxSkewMilliseconds: UInt64) -> [Result<LogCommit, any Error>] {
        group.map { push in
            Result { try commit(push, schema: schema, wallMilliseconds: wallMilliseconds, maxSkewMilliseconds: maxSkewMilliseconds) }
        }
    }

    /// Never compacted: 0.
    public func horizon() throws -> UInt64 { 0 }

    /// Never compacted: the empty snapshot at horizon 0 (``SnapshotRequired`` for another horizon).
    public func snapshotPage(horizon: UInt64?, after: SnapshotKey?, limit: Int, maxBytes: Int,
                             readable: (String) -> Bool) throws -> SnapshotPage {
        if let horizon, horizon != 0 { throw SnapshotRequired(horizon: 0) }
        return SnapshotPage(horizon: 0, versionVector: VersionVector(), records: [], next: after, more: false)
    }

    /// Brings the daemon's own readable replica tables up to the log head. The default does nothing
    /// (an in-memory log has no tables); the SQLite log applies the ops after its replica cursor.
    public func materialize() throws {}

    /// From ``department(forToken:)``: a store without expiry or use times.
    public func checkToken(_ token: String, nowMilliseconds: UInt64, recordUse: Bool) throws -> TokenCheck {
        try department(forToken: token).map { .valid(department: $0) } ?? .unknown
    }

    /// ``forEachOp(since:limit:_:)`` gathered into an array: ``ops(since:limit:)`` for a store
    /// whose own cursor is `forEachOp`.
    public func collectOps(since: UInt64, limit: Int) throws -> [Op] {
        var out: [Op] = []
        try forEachOp(since: since, limit: limit) { op in
            out.append(op)
            return true
        }
        return out
    }

    /// Reads ``ops(since:limit:)`` in runs of 16 ops, so that stopping early costs at most one run
    /// more than what `body` took.
    public func forEachOp(since: UInt64, limit: Int, _ body: (Op) throws -> Bool) throws {
        let readAhead = 16
        var cursor = since
        var left = limit
        while left > 0 {
            let run = try ops(since: cursor, limit: min(left, readAhead))
            for op in run {
                guard try body(op) else { return }
            }
            guard run.count == min(left, readAhead), let last = run.last?.log else { return }
            cursor = last
            left -= run.count
        }
    }
}
