import Foundation
import GRDB
@testable import SyncStore
import SyncModel
import Testing

/// Remote batches and acknowledgements commit without an fsync (`synchronous = NORMAL`), local
/// writes with one (`FULL`): every transaction must run at its own level whatever ran before it
/// on the connection, failed transactions included, or a later local write could be lost to power
/// loss. The level is switched only when it changes (``WriterSynchronous``), so every other writer
/// of the pool (the daemon's log, a bootstrap's swap) must set it too.
@Suite struct CommitDurabilityTests {
    let dir: TempDir
    let store: ReplicaStore

    init() throws {
        dir = try TempDir()
        store = try .salesLaptop(in: dir)
    }

    /// SQLite's `PRAGMA synchronous` on the writer connection: 1 is NORMAL, 2 is FULL.
    private func synchronous(_ durability: CommitDurability) throws -> Int? {
        try store.write(durability) { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
    }

    @Test func aRelaxedTransactionRunsAtNormalAndTheNextWriteAtFull() throws {
        defer { dir.cleanup() }
        #expect(try synchronous(.full) == 2)
        #expect(try synchronous(.relaxed) == 1)
        #expect(try synchronous(.full) == 2)
    }

    @Test func aFailedRelaxedTransactionLeavesTheConnectionAtFull() throws {
        defer { dir.cleanup() }
        struct Failure: Error {}
        #expect(throws: (any Error).self) {
            try store.write(.relaxed) { db in
                try db.execute(sql: "UPDATE ps_cursor SET position = 99 WHERE id = 1")
                throw Failure()
            }
        }
        #expect(try synchronous(.full) == 2)
        #expect(try store.cursor() == 0, "the failed transaction was rolled back")
    }

    @Test func localWritesAfterAnAppliedBatchAndAnAcknowledgementWaitForTheDisk() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: ["name": .text("Spring campaign")])
        var remote = OpBuilder.set(collection: "projects", row: id, field: "end", value: .text("2027-05-01"), current: nil,
                                   stamp: stamp("marketing-laptop", 1, 1_600_000_000_000))
        remote.department = "marketing"
        remote.log = 1
        try store.applyRemote([remote], cursor: 1)
        try store.acknowledge(through: 1)
        #expect(try synchronous(.full) == 2)
        #expect(try store.cursor() == 1)
    }

    @Test func aBootstrapSwapAfterAnAppliedBatchRunsAtFull() throws {
        defer { dir.cleanup() }
        #expect(try synchronous(.relaxed) == 1)
        _ = try ReplicaStore.create(at: dir.path("side.sqlite"), identity: .init(node: "side-laptop", department: "sales"), schema: TestSchema.schema)
        var level: Int?
        try ReplicaSwap.install(from: dir.path("side.sqlite"), into: store.pool, synchronous: store.synchronous) { db in
            level = try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        #expect(level == 2)
    }

    @Test func theDaemonsLogCommitsAtFullAfterItsReplicaMaterializedABatch() throws {
        defer { dir.cleanup() }
        let log = try ServerLog(path: dir.path("server.sqlite"), schema: TestSchema.schema)
        #expect(try log.replica.write(.relaxed) { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)
        #expect(try log.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
    }

    @Test func aReopenedReplicaAndTheDaemonsLogCommitAtFull() throws {
        defer { dir.cleanup() }
        // GRDB's pool sets its writer to NORMAL when it enables WAL; the store must undo that on
        // every open, or a local write (or an op the daemon acknowledges) is not on disk at commit.
        let reopened = try ReplicaStore(opening: dir.path("r.sqlite"), schema: TestSchema.schema)
        #expect(try reopened.write(.full) { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
        let log = try ServerLog(path: dir.path("server.sqlite"), schema: TestSchema.schema)
        #expect(try log.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
        let reopenedLog = try ServerLog(path: dir.path("server.sqlite"), schema: TestSchema.schema)
        #expect(try reopenedLog.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
    }
}
