import Foundation
import GRDB
@testable import SyncStore
import Testing

/// WAL checkpoints run on ``CheckpointQueue``, not in the commit that filled the WAL, and the
/// writer still checkpoints itself once the WAL reaches ``BackgroundCheckpoint/inlinePages``.
/// What a checkpoint moved is seen in a copy of the main file alone, without its WAL.
@Suite(.serialized) struct BackgroundCheckpointTests {
    let dir: TempDir
    let pool: DatabasePool

    init() throws {
        dir = try TempDir()
        pool = try StoreDatabase.pool(dir.path("wal.sqlite"), StoreDatabase.configuration())
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)") }
    }

    /// Commits `transactions` transactions of `rows` rows of 3,000 bytes each (about one WAL page a row).
    private func fill(transactions: Int, rows: Int) throws {
        let payload = Data(repeating: 0x5A, count: 3_000)
        for _ in 0..<transactions {
            try pool.write { db in
                for _ in 0..<rows { try db.execute(sql: "INSERT INTO t (payload) VALUES (?)", arguments: [payload]) }
            }
        }
    }

    /// The rows of `t` in the main database file as it is on disk, WAL left out; nil without the table.
    private func rowsInMainFile() throws -> Int? {
        let copy = dir.path("copy-\(UUID().uuidString).sqlite")
        try FileManager.default.copyItem(atPath: dir.path("wal.sqlite"), toPath: copy)
        let queue = try DatabaseQueue(path: copy)
        defer { try? queue.close() }
        return try queue.read { db in
            try db.tableExists("t") ? try Int.fetchOne(db, sql: "SELECT count(*) FROM t") : nil
        }
    }

    private func rowsCommitted() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") ?? 0 }
    }

    @Test func aFullWALIsCheckpointedByTheQueueNotByTheCommit() throws {
        defer { dir.cleanup() }
        try CheckpointQueue.shared.whileHeld {
            try fill(transactions: 150, rows: 10)             // about 1,500 WAL pages: past SQLite's automatic checkpoint
            #expect(try rowsInMainFile() == nil, "the committing writer checkpointed")
        }
        CheckpointQueue.shared.drain()
        #expect(try rowsInMainFile() == rowsCommitted())
        #expect(try rowsCommitted() == 1_500)
    }

    @Test func theWriterCheckpointsItselfOnceTheWALReachesTheInlineBound() throws {
        defer { dir.cleanup() }
        try CheckpointQueue.shared.whileHeld {
            let perTransaction = 100
            try fill(transactions: Int(BackgroundCheckpoint.inlinePages) / perTransaction + 5, rows: perTransaction)
            let moved = try rowsInMainFile() ?? 0
            #expect(moved > 0, "the WAL grew past the inline bound with no checkpoint")
            #expect(moved <= (try rowsCommitted()))
        }
        CheckpointQueue.shared.drain()
    }
}
