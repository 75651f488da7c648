import Foundation
import GRDB
import SyncModel

/// Swapping a bootstrapped replica file in for the old one, so that a kill -9 at any moment
/// leaves the old replica or the new one, never a mix (issue 14, docs/replica-format.md).
///
/// SQLite replays a `-wal` file it finds beside a main file whatever file wrote it, so the new
/// main file must never meet a `-wal` holding frames of the old one. Hence, in order:
/// 1. the new file is checkpointed (TRUNCATE) and closed: it is whole in its main file;
/// 2. the old file is checkpointed (TRUNCATE) and closed; when another connection keeps the
///    checkpoint from finishing, nothing is swapped (the old file is reopened, the error says so);
/// 3. the old file's empty `-wal` and its `-shm` are removed (a crash here leaves the old file,
///    whole in its main file);
/// 4. `rename(2)` puts the new main file in place of the old one, atomically, and the directory
///    is synced (a crash before it leaves the old file, after it the new one);
/// 5. the replica reopens the file at the same path.
enum ReplicaSwap {
    static func swap(old store: ReplicaStore, newPool: DatabasePool, at path: String) throws {
        let sidePath = newPool.path
        try checkpointAndClose(newPool, what: "the bootstrapped replica")
        try checkpointAndClose(store.pool, what: "the replica")
        do {
            guard walIsEmpty(path), walIsEmpty(sidePath) else {
                throw StoreError.database("a -wal file beside \(path) still holds data; another process may have the replica open; nothing was swapped")
            }
            for suffix in ["-wal", "-shm"] {
                try removeIfPresent(path + suffix)
                try removeIfPresent(sidePath + suffix)
            }
            guard rename(sidePath, path) == 0 else {
                throw StoreError.database("renaming \(sidePath) to \(path): \(String(cString: strerror(errno)))")
            }
            syncDirectory(of: path)
        } catch {
            store.slot.replace(with: try StoreDatabase.open(path, layout: store.layout))
            throw error
        }
        store.slot.replace(with: try StoreDatabase.open(path, layout: store.layout))
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)` then close; throws, leaving the pool open, when a reader
    /// or writer elsewhere kept the checkpoint from completing.
    private static func checkpointAndClose(_ pool: DatabasePool, what: String) throws {
        do {
            let busy = try pool.writeWithoutTransaction { db in
                try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)").map { (row: Row) -> Int in row[0] } ?? 1
            }
            guard busy == 0 else {
                throw StoreError.database("\(what) is in use by another process (its write-ahead log could not be emptied); close it and sync again")
            }
            try pool.close()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreStorage.wrap(error)
        }
    }

    private static func walIsEmpty(_ path: String) -> Bool {
        let wal = path + "-wal"
        guard let size = (try? FileManager.default.attributesOfItem(atPath: wal))?[.size] as? NSNumber else { return true }
        return size.uint64Value == 0
    }

    private static func removeIfPresent(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        do { try FileManager.default.removeItem(atPath: path) } catch {
            throw StoreError.database("removing \(path): \(error.localizedDescription)")
        }
    }

    /// Removes a replica file and its `-wal` and `-shm` (a leftover bootstrap).
    static func remove(_ path: String) throws {
        for suffix in ["", "-wal", "-shm"] { try removeIfPresent(path + suffix) }
    }

    /// fsync(2) of the directory, so the rename survives a power loss.
    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
