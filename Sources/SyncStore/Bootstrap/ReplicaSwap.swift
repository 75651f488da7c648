import Foundation
import GRDB
import SyncModel

/// Putting a bootstrapped replica in place of the one in use, so that a kill -9 at any moment
/// leaves the old replica or the new one, never a mix, and no write is lost (issue 14,
/// docs/replica-format.md).
///
/// The live file is never renamed or replaced. One write transaction of the live file attaches
/// the side file, deletes every table's rows and copies the side file's rows in (`INSERT …
/// SELECT`), and lets the caller carry the unsent ops over in the same transaction. So:
/// - a kill -9 before the commit leaves the old replica, after it the new one (SQLite's WAL);
/// - other connections, in this process or another (a `plansync put`, a `sync --watch`), see the
///   old replica or the new one; a write of theirs waits for the lock and then lands on the new
///   replica, or commits before and is carried over. A rename would have let a process holding
///   the old file open go on writing to an unlinked inode, and a write between the carry-over and
///   the rename would have been lost.
enum ReplicaSwap {
    /// The schema name the side file is attached under.
    static let attached = "bootstrap"

    /// In one `BEGIN IMMEDIATE` transaction of `pool` with the file at `sidePath` attached, runs
    /// `body`, at `synchronous = FULL` (`synchronous` is the pool's ``WriterSynchronous``);
    /// `body` calls ``copyTables(_:)`` between reading what it carries over and writing it.
    /// Throws ``StoreError`` (nothing changed) when the side file cannot be attached or `body` throws.
    static func install(from sidePath: String, into pool: DatabasePool, synchronous: WriterSynchronous, _ body: (Database) throws -> Void) throws {
        do {
            try pool.writeWithoutTransaction { db in
                // The swap carries unsent local ops over: it waits for the disk like a local write.
                try synchronous.ensure(.full, db)
                // ATTACH cannot run inside a transaction; DETACH runs whatever happened.
                try db.execute(sql: "ATTACH DATABASE ? AS \(attached)", arguments: [sidePath])
                defer { try? db.execute(sql: "DETACH DATABASE \(attached)") }
                try db.inTransaction(.immediate) {
                    try body(db)
                    return .commit
                }
            }
        } catch {
            throw StoreStorage.wrap(error)
        }
    }

    /// Replaces the rows of every table of the live file by those of the attached side file,
    /// column by column (named, so a column order that differs between a migrated file and a
    /// fresh one does not matter). Throws ``StoreError/corrupt(_:)`` when the side file has a table
    /// the live one lacks.
    static func copyTables(_ db: Database) throws {
        let tables = try String.fetchAll(db, sql: """
            SELECT name FROM \(attached).sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
            """)
        for table in tables {
            let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?, '\(attached)') ORDER BY cid", arguments: [table])
            let live = Set(try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?, 'main')", arguments: [table]))
            guard !columns.isEmpty, columns.allSatisfy(live.contains) else {
                throw StoreError.corrupt("the bootstrapped replica's table \(table) does not match the replica's; nothing was swapped")
            }
            let list = columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
            let name = table.quotedDatabaseIdentifier
            try db.execute(sql: "DELETE FROM main.\(name)")
            try db.execute(sql: "INSERT INTO main.\(name) (\(list)) SELECT \(list) FROM \(attached).\(name)")
        }
    }

    /// Removes a replica file and its `-wal` and `-shm` (a leftover or installed bootstrap).
    static func remove(_ path: String) throws {
        for suffix in ["", "-wal", "-shm"] {
            let file = path + suffix
            guard FileManager.default.fileExists(atPath: file) else { continue }
            do { try FileManager.default.removeItem(atPath: file) } catch {
                throw StoreError.database("removing \(file): \(error.localizedDescription)")
            }
        }
    }
}
