import Foundation
import GRDB
import SyncModel

/// Opening replica files: WAL mode, a busy timeout for the CLI and `sync --watch` writing side by
/// side, migrations, and the checks that a file is a replica before anything is written to it.
enum StoreDatabase {
    /// Seconds a writer waits for another process's transaction before giving up.
    static let busyTimeout: TimeInterval = 10

    /// The connection settings of every replica file, the daemon's included (see ``pool(_:_:)``
    /// for the commit durability).
    static func configuration() -> Configuration {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = false
        config.prepareDatabase { db in
            // 16 MiB of page cache: a batch's index pages stay in memory between its ops.
            try db.execute(sql: "PRAGMA cache_size = -16384")
        }
        return config
    }

    /// Opens the pool of `path` with `config`, its writer committing with `synchronous = FULL`:
    /// in WAL mode a committed local write, and an op the daemon acknowledges, then survives power
    /// loss, not only a process crash. Batches applied from the daemon and acknowledgements
    /// commit ``CommitDurability/relaxed`` (they can be fetched again) instead.
    ///
    /// Set here, after the pool opened, because GRDB's `DatabasePool` sets its writer to
    /// `synchronous = NORMAL` when it switches the file to WAL, after `prepareDatabase` ran.
    /// The writer's WAL checkpoints run in the background (``BackgroundCheckpoint``).
    static func pool(_ path: String, _ config: Configuration) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: config)
        if !config.readonly {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                BackgroundCheckpoint.install(on: db)
            }
        }
        return pool
    }

    /// Creates a new file: migrations, then `prepare` (the identity rows). Removes the file again
    /// when that fails.
    static func create(at path: String, layout: TableLayout,
                       prepare: (Database) throws -> Void) throws -> DatabasePool {
        guard !FileManager.default.fileExists(atPath: path) else { throw StoreError.alreadyExists(path) }
        // SQLite would only say "unable to open database file", naming neither path nor cause.
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard folder.isEmpty || (FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) else {
            throw StoreError.noSuchFolder(path: path, folder: folder)
        }
        do {
            let pool = try StoreDatabase.pool(path, configuration())
            try Migrations.migrator(layout).migrate(pool)
            try pool.write { db in try prepare(db) }
            return pool
        } catch {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            throw StoreStorage.wrap(error)
        }
    }

    /// Opens an existing replica. Checks read-only first, so a foreign file is never modified.
    ///
    /// `readOnly` opens without writing anything (no migration, no WAL set-up), for a file this
    /// process may not write; one that still needs a migration is refused then.
    static func open(_ path: String, layout: TableLayout, readOnly: Bool = false) throws -> DatabasePool {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.noSuchFile(path) }
        let migrator = Migrations.migrator(layout)
        let upToDate: Bool
        do {
            var readonly = Configuration()
            readonly.readonly = true
            readonly.busyMode = .timeout(busyTimeout)
            let probe = try DatabaseQueue(path: path, configuration: readonly)
            let found: (version: Int, upToDate: Bool, unknown: [String])? = try probe.read { db in
                guard try db.tableExists("ps_identity"), let version = try Int.fetchOne(db, sql: "SELECT schema_version FROM ps_identity") else { return nil }
                return (version, try migrator.hasCompletedMigrations(db), try Migrations.unknown(in: db, by: migrator))
            }
            try probe.close()
            guard let found else { throw StoreError.notAReplica(path: path, reason: "it has no PlanSync identity") }
            guard found.version <= layout.schema.version else {
                throw StoreError.notAReplica(path: path, reason: "it was built for schema version \(found.version); this program knows \(layout.schema.version)")
            }
            guard found.unknown.isEmpty else {
                throw StoreError.notAReplica(path: path, reason: "a newer PlanSync changed its storage (\(found.unknown.joined(separator: ", ")), "
                    + "which this program does not know; open it with that version")
            }
            upToDate = found.upToDate
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw openFailure(error, path: path)
        }
        if readOnly, !upToDate {
            throw StoreError.readOnly("\(path) needs an upgrade that writes to it; open it once with write access")
        }
        do {
            var config = configuration()
            config.readonly = readOnly
            let pool = try StoreDatabase.pool(path, config)
            if !upToDate { try migrator.migrate(pool) }
            return pool
        } catch {
            throw StoreStorage.wrap(error)
        }
    }
}

extension StoreDatabase {
    /// What a failed first read of `path` means. SQLite reads a WAL file through `<path>-shm`,
    /// which it must create when no connection has it open; in a folder this user may not write
    /// it cannot, and says only "attempt to write a readonly database" (SQLITE_READONLY), which
    /// is no reason to call the file foreign. Anything else: not a replica.
    static func openFailure(_ error: DatabaseError, path: String) -> StoreError {
        let folder = (path as NSString).deletingLastPathComponent
        if error.resultCode == .SQLITE_READONLY, !FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder) {
            return .readOnly("\(path) cannot be read here: its folder is not writable, and SQLite must create \(path)-shm "
                + "beside it to read it; copy the file (with its -wal, if there is one) to a folder you may write")
        }
        return .notAReplica(path: path, reason: error.message ?? "\(error.resultCode)")
    }
}

/// How a write transaction reaches the disk.
enum CommitDurability {
    /// `synchronous = FULL`: the commit waits for the WAL's fsync, so it survives power loss.
    /// Local writes, and the daemon's log (a push is on disk before its `ack`).
    case full
    /// `synchronous = NORMAL` (until a `.full` transaction sets FULL again before it begins,
    /// ``WriterSynchronous``): the commit is atomic and survives a
    /// process crash (kill -9), but power loss may take it back, together with everything after
    /// it. Only for what can be fetched again: ops applied from the daemon and the cursor that
    /// moves with them in the same transaction, and acknowledgements of pushed ops (an outbox op
    /// that comes back is pushed again and counted as a duplicate). The next `.full` commit of
    /// any connection to the file fsyncs the shared WAL, these frames included (SQLite, "WAL
    /// mode": synchronous NORMAL "does lose durability" but never consistency).
    case relaxed
}

/// The `synchronous` level of one pool's writer connection, so that a run of transactions of one
/// durability (a watcher applying live edits, one small batch each) sets it once, not twice per
/// transaction: SQLite compiles `PRAGMA synchronous = …` anew every time it runs, which cost a
/// watcher's one-op batch about a twentieth of its time (docs/performance.md, "What was tried").
///
/// Every write to the pool must go through ``DatabasePool/immediateWrite(_:_:_:)`` with this
/// pool's one instance (``ReplicaStore`` and ``ServerLog`` share theirs), or the level it holds
/// would be wrong.
final class WriterSynchronous: @unchecked Sendable {
    /// The level the writer is at; nil while unknown (a `PRAGMA` that failed). Read and set only
    /// inside the pool's writer closures, which GRDB runs one at a time, so it needs no lock.
    /// ``StoreDatabase/pool(_:_:)`` leaves every writer at FULL.
    private var level: CommitDurability? = .full

    init() {}

    /// Puts the writer connection at `durability` unless it is there already. Outside a
    /// transaction only (SQLite refuses to change the level inside one).
    func ensure(_ durability: CommitDurability, _ db: Database) throws {
        guard level != durability else { return }
        level = nil
        try db.cachedStatement(sql: durability == .full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL").execute()
        level = durability
    }
}

extension DatabasePool {
    /// One IMMEDIATE write transaction (another process's writer makes it wait, not fail),
    /// rolled back on any error, which comes out as a ``StoreError``. The writer connection runs
    /// it at the level `durability` asks for: `synchronous` is switched before the transaction
    /// when the one before was of the other kind, and left there after it (`synchronous` is
    /// this pool's record of the level).
    func immediateWrite<T>(_ durability: CommitDurability, _ synchronous: WriterSynchronous, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writeWithoutTransaction { db in
                try synchronous.ensure(durability, db)
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw StoreError.corrupt("transaction ended without a result") }
                return result
            }
        } catch {
            throw StoreStorage.wrap(error)
        }
    }

    /// One read transaction on a consistent snapshot; errors come out as ``StoreError``.
    func snapshotRead<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try read(body)
        } catch {
            throw StoreStorage.wrap(error)
        }
    }
}
