import Foundation
import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#else
import SQLite3
#endif

/// Checkpoints a file's WAL on a background thread instead of in the transaction that filled it.
///
/// SQLite's automatic checkpoint runs in the connection that commits, right after the commit,
/// once the WAL holds 1,000 pages (SQLite, "Write-Ahead Logging", "Automatic Checkpoint"): it
/// copies them into the database file and syncs it, and the writer waits. A replica applying a
/// pull, or the daemon committing pushes, paid that inside its apply or commit path. With this
/// hook installed on the writer connection (`sqlite3_wal_hook`, which replaces the automatic
/// checkpoint), a commit that leaves ``requestPages`` or more pages in the WAL asks
/// ``CheckpointQueue`` to run a PASSIVE checkpoint from a connection of its own, while the writer
/// goes on. PASSIVE never waits for and never blocks readers or writers, and copies only
/// committed frames, so nothing about durability changes. Should the WAL still reach
/// ``inlinePages``, the writer checkpoints itself as SQLite would have: the WAL stays bounded.
///
/// ```swift
/// try pool.writeWithoutTransaction { db in BackgroundCheckpoint.install(on: db) }
/// ```
enum BackgroundCheckpoint {
    /// WAL pages after a commit at which a background checkpoint is asked for: SQLite's default
    /// automatic checkpoint (about 4 MiB of 4 KiB pages).
    static let requestPages: Int32 = 1_000
    /// WAL pages after a commit at which the writer checkpoints itself: about 16 MiB. While the
    /// writer keeps committing, each background checkpoint ends a commit behind, so the WAL is
    /// never fully copied and cannot start over; the writer's own checkpoint here, which finds
    /// most frames copied already, lets the next transaction restart it. The WAL so peaks at
    /// this size plus the transaction that crossed it.
    static let inlinePages: Int32 = 4_000

    /// Installs the hook on `db`, the writer connection of a file in WAL mode.
    static func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, { _, connection, name, pages in
            guard let connection, let name else { return SQLITE_OK }
            if pages >= BackgroundCheckpoint.inlinePages {
                sqlite3_wal_checkpoint_v2(connection, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            } else if pages >= BackgroundCheckpoint.requestPages, let file = sqlite3_db_filename(connection, name), file[0] != 0 {
                // The path's bytes as SQLite has them, not a String, which would repair bytes that are not UTF-8.
                CheckpointQueue.shared.request(path: Array(UnsafeBufferPointer(start: file, count: strlen(file) + 1)))
            }
            return SQLITE_OK
        }, nil)
    }
}

/// The process's background checkpoints, one at a time on a queue of their own; a file asked for
/// again while its checkpoint waits is checkpointed once. Each runs on a connection opened for it
/// by path and closed after, so no connection or store has to outlive it.
final class CheckpointQueue: @unchecked Sendable {
    static let shared = CheckpointQueue()

    private let queue = DispatchQueue(label: "plansync.wal-checkpoint", qos: .utility)
    private let lock = NSLock()
    /// Files whose checkpoint is queued and has not started, by their path's bytes (NUL included).
    private var waiting: Set<[CChar]> = []

    /// Queues a checkpoint of the database file at `path` (a C string, NUL-terminated) unless one
    /// is queued already.
    func request(path: [CChar]) {
        guard path.last == 0 else { return }
        let queued = lock.withLock { waiting.insert(path).inserted }
        guard queued else { return }
        queue.async { [self] in
            lock.withLock { _ = waiting.remove(path) }
            CheckpointQueue.checkpoint(path: path)
        }
    }

    /// Returns once every checkpoint queued before the call has run (for tests).
    func drain() {
        queue.sync {}
    }

    /// Runs `body` with the queue held: checkpoints asked for meanwhile wait until it returns
    /// (for tests, to tell the writer's own checkpoints from the queue's).
    func whileHeld<T>(_ body: () throws -> T) rethrows -> T {
        queue.suspend()
        defer { queue.resume() }
        return try body()
    }

    /// A PASSIVE checkpoint of the WAL of the file at `path` (NUL-terminated). Failures are left to
    /// the writer's own checkpoint at ``BackgroundCheckpoint/inlinePages``: a file removed
    /// meanwhile is not created again (no `SQLITE_OPEN_CREATE`), a busy checkpointer is skipped.
    ///
    /// The connection keeps the WAL when it closes (`SQLITE_FCNTL_PERSIST_WAL`): should it be the
    /// last one open on the file, SQLite would otherwise delete `-wal` and `-shm` *by name*, and if
    /// the file was deleted and made again meanwhile (a second bootstrap's side file), that would
    /// remove the new file's WAL, with its commits. Kept, a fully copied WAL is truncated instead
    /// (`journal_size_limit = 0`), through this connection's own handle.
    static func checkpoint(path: [CChar]) {
        var handle: OpaquePointer?
        defer { sqlite3_close_v2(handle) }
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let handle else { return }
        var persist: Int32 = 1
        guard sqlite3_file_control(handle, "main", SQLITE_FCNTL_PERSIST_WAL, &persist) == SQLITE_OK,
              sqlite3_exec(handle, "PRAGMA journal_size_limit = 0", nil, nil, nil) == SQLITE_OK,
              // A new connection opens the WAL at its first read; before it, a checkpoint does nothing.
              sqlite3_exec(handle, "SELECT 1 FROM sqlite_master LIMIT 1", nil, nil, nil) == SQLITE_OK else { return }
        sqlite3_wal_checkpoint_v2(handle, "main", SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
}
