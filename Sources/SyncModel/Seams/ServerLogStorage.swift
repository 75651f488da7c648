/// What the sync daemon needs from its durable op log. The SQLite store (`SyncStore.ServerLog`)
/// conforms; tests may use an in-memory one.
public protocol ServerLogStorage: OpLogIndex, Sendable {
    /// The last log position, 0 when empty.
    func head() throws -> UInt64
    /// Runs ``Admission/admit(_:pushedBy:schema:log:wallMilliseconds:maxSkewMilliseconds:)`` and appends
    /// the accepted ops stamped with `department` and their log positions, in one durable transaction
    /// (committed to disk before it returns). Throws ``Admission/Refusal`` for a refused push, having
    /// changed nothing.
    func commit(_ ops: [Op], pushedBy node: String, department: String, schema: Schema,
                wallMilliseconds: UInt64, maxSkewMilliseconds: UInt64) throws -> LogCommit
    /// Ops with position > `since` in log order, at most `limit`, stamped with `department` and `log`.
    func ops(since: UInt64, limit: Int) throws -> [Op]
    /// The department bound to `token`, nil when unknown or revoked. Only token hashes are stored.
    func department(forToken token: String) throws -> String?
    /// Brings the readable replica tables up to the log head (see the default below). A requirement,
    /// so that a call through `any ServerLogStorage` reaches the conforming type's implementation.
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

extension ServerLogStorage {
    /// Brings the daemon's own readable replica tables up to the log head. The default does nothing
    /// (an in-memory log has no tables); the SQLite log applies the ops after its replica cursor.
    public func materialize() throws {}
}
