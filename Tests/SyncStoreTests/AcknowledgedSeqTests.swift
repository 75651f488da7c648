import Foundation
import GRDB
@testable import SyncStore
import SyncModel
import Testing

/// The highest own seq a daemon acknowledged: ops put back in the outbox after a restore of the
/// daemon are at or below it, and `outbox discard` refuses them; a file from before the mark gets
/// it from its outbox.
@Suite struct AcknowledgedSeqTests {
    @Test func reSentOpsCannotBeDiscardedNewOnesCan() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let store = try ReplicaStore.salesLaptop(in: dir)
        for i in 1...3 { _ = try store.create("projects", id: "p\(i)", fields: ["name": .text("n\(i)")]) }
        let sent = try store.outbox(limit: 100)
        try store.acknowledge(through: sent.last?.seq ?? 0)
        // The daemon was restored and lacks the last two ops: they go back in the outbox.
        let resend = sent[sent.count - 2].seq
        #expect(try store.requeueOwnOps(from: resend) == 2)
        _ = try store.create("projects", id: "p4", fields: ["name": .text("new")])
        let queued = try store.outbox(limit: 100)
        #expect(queued.first?.seq == resend)
        #expect(throws: StoreError.self) { try store.checkDiscardable([queued[0]]) }
        do { try store.checkDiscardable([queued[0]]) } catch {
            #expect("\(error)".contains("\(queued[0].dot) was acknowledged by the daemon before"))
        }
        let fresh = queued.filter { $0.seq > sent.last?.seq ?? 0 }
        #expect(!fresh.isEmpty)
        try store.checkDiscardable(fresh)
        // A lower acknowledgement never lowers the mark.
        try store.acknowledge(through: 1)
        #expect(throws: StoreError.self) { try store.checkDiscardable([queued[1]]) }
        // Nor may they move to a new node id: other replicas would hold them twice.
        #expect(throws: StoreError.self) { _ = try store.rekey(to: "sales-laptop-2") }
        #expect(try store.identity().node == "sales-laptop" && store.outbox(limit: 100) == queued)
        // Once the daemon took them again, the rest may move.
        try store.acknowledge(through: queued[1].seq)
        #expect(try store.rekey(to: "sales-laptop-2").moved == queued.count - 2)
    }

    @Test func aFileFromBeforeTheMarkTakesItFromItsOutbox() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.path("r.sqlite")
        var store = try ReplicaStore.salesLaptop(in: dir)
        for i in 1...5 { _ = try store.create("projects", id: "p\(i)", fields: ["name": .text("n\(i)")]) }
        let ops = try store.outbox(limit: 100)
        try store.acknowledge(through: ops[3].seq)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "ALTER TABLE ps_identity DROP COLUMN acknowledged_seq; DELETE FROM grdb_migrations WHERE identifier = 'v11-acknowledged-seq'")
        }
        try queue.close()
        store = try ReplicaStore(opening: path, schema: TestSchema.schema)
        // Every op before the first unsent one counts as acknowledged.
        #expect(throws: StoreError.self) { try store.checkDiscardable([ops[3]]) }
        try store.checkDiscardable(Array(ops[4...]))
    }
}
