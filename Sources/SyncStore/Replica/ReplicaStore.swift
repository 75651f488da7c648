import Foundation
import GRDB
import SyncModel

/// A replica: one SQLite file in WAL mode with a readable table per collection and the sync
/// metadata beside it (see docs/replica-format.md).
///
/// ```swift
/// let store = try ReplicaStore.create(at: "sales.sqlite", identity: .init(node: "sales-laptop", department: "sales"),
///                                     schema: PlanningSchema.schema)
/// let id = try store.create("projects", fields: ["name": .text("春季推广")])
/// try store.update("projects", id: id, fields: ["status": .text("active")])
/// ```
/// Every method is one transaction, and every error is a ``StoreError`` (with one-line messages).
/// Local writes are validated first and refused having written nothing. Merge rules are
/// SyncModel's: each op's field state is loaded into the model types, changed by them, and
/// written back.
public final class ReplicaStore: SyncingReplica, Sendable {
    /// The schema the file's tables were built from.
    public let schema: Schema
    /// The open file. A bootstrap installs a new replica into it in one transaction
    /// (``ReplicaSwap``), so it is never replaced.
    let pool: DatabasePool
    let layout: TableLayout
    /// Why every write is refused, nil when writes are allowed: a daemon's file opened as a
    /// replica changes only through its ``ServerLog``, or it would drift from the log; a file this
    /// process may not write was opened read-only.
    let writeRefusal: StoreError?
    /// The wall clock local writes and the HLC read.
    let wallClock: WallClock
    /// Set once an app observes ``reader``: only then do applied batches and local writes name
    /// their changes to GRDB (``ObservationFlag``).
    let observation = ObservationFlag()
    /// The `synchronous` level of ``pool``'s writer, shared with every other user of the pool.
    let synchronous: WriterSynchronous

    init(pool: DatabasePool, synchronous: WriterSynchronous, layout: TableLayout, writeRefusal: StoreError? = nil, wallClock: WallClock = .system) {
        self.pool = pool
        self.synchronous = synchronous
        self.layout = layout
        self.schema = layout.schema
        self.writeRefusal = writeRefusal
        self.wallClock = wallClock
    }

    /// Creates a new replica file; throws ``StoreError/alreadyExists(_:)`` if `path` exists,
    /// ``StoreError/noSuchFolder(path:folder:)`` if its folder does not, and
    /// ``StoreError/invalidIdentity(_:)`` for a bad node id, an empty department or the department
    /// ``ServerLog/department``, which marks a daemon's file.
    /// `wallClock` is the system clock unless a test gives one.
    public static func create(at path: String, identity: ReplicaIdentity, schema: Schema, wallClock: WallClock = .system) throws -> ReplicaStore {
        try ReplicaStore.validate(identity)
        guard !ServerLog.isDaemonIdentity(identity) else {
            throw StoreError.invalidIdentity("the department \"\(ServerLog.department)\" is reserved for the sync daemon's file")
        }
        let layout = try TableLayout(schema)
        let pool = try StoreDatabase.create(at: path, layout: layout) { db in
            try IdentityRecord.insert(db, identity, schemaVersion: schema.version, wallMilliseconds: wallClock.milliseconds())
        }
        return ReplicaStore(pool: pool, synchronous: WriterSynchronous(), layout: layout, wallClock: wallClock)
    }

    /// Opens an existing replica; throws ``StoreError/noSuchFile(_:)`` or
    /// ``StoreError/notAReplica(path:reason:)`` without touching the file. A daemon's file opens
    /// for reading: its writes throw ``StoreError/daemonFile(_:)``. So does a file this process
    /// may not write, whose writes throw ``StoreError/readOnly(_:)``.
    public convenience init(opening path: String, schema: Schema, wallClock: WallClock = .system) throws {
        let layout = try TableLayout(schema)
        let readOnly = !FileManager.default.isWritableFile(atPath: path)
        let pool = try StoreDatabase.open(path, layout: layout, readOnly: readOnly)
        let synchronous = WriterSynchronous()
        let identity = try ReplicaStore(pool: pool, synchronous: synchronous, layout: layout).identity()
        let refusal: StoreError? = ServerLog.isDaemonIdentity(identity) ? .daemonFile(path)
            : readOnly ? .readOnly("\(path) is read-only here; reading works, writing needs write access to it") : nil
        self.init(pool: pool, synchronous: synchronous, layout: layout, writeRefusal: refusal, wallClock: wallClock)
    }

    /// Whether this is a daemon's file opened as a replica (it refuses writes).
    public var isDaemonFile: Bool {
        if case .daemonFile = writeRefusal { return true }
        return false
    }

    /// Throws ``StoreError/daemonFile(_:)`` or ``StoreError/readOnly(_:)`` when this replica refuses
    /// writes, so that a caller can stop before it starts, e.g. before connecting to sync.
    public func checkWritable() throws {
        if let writeRefusal { throw writeRefusal }
    }

    /// Sets or clears the daemon address (`host:port`) and token.
    public func setServer(_ server: String?, token: String?) throws {
        try write { db in
            try db.execute(sql: "UPDATE ps_identity SET server = ?, token = ? WHERE id = 1", arguments: [server, token])
        }
    }

    static func validate(_ identity: ReplicaIdentity) throws {
        do { try NodeID.validate(identity.node) } catch { throw StoreError.invalidIdentity(error.description) }
        do { try Department.validate(identity.department) } catch { throw StoreError.invalidIdentity(error.description) }
    }

    // MARK: Transactions

    func write<T>(_ durability: CommitDurability = .full, _ body: (Database) throws -> T) throws -> T {
        try checkWritable()
        return try pool.immediateWrite(durability, synchronous, body)
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T { try pool.snapshotRead(body) }

    /// Read-only access to the replica file for an app embedding the store: its readable tables
    /// (one per collection, one column per field, `_deleted` 0 or 1) are plain SQL, and a GRDB
    /// `ValueObservation` started on this reader sees every local write and every applied sync
    /// batch as it commits (docs/library.md). Writes through it are refused: write with
    /// ``create(_:id:fields:)``, ``update(_:id:fields:)`` and the other local writes, so every
    /// change becomes an op.
    ///
    /// ```swift
    /// let names = ValueObservation.tracking { db in
    ///     try String.fetchAll(db, sql: "SELECT name FROM projects WHERE _deleted = 0 ORDER BY name")
    /// }
    /// let cancellable = names.start(in: store.reader, onError: { _ in }, onChange: { print($0) })
    /// ```
    public var reader: any DatabaseReader { ObservedReader(pool: pool, flag: observation) }
}
