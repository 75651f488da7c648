import Foundation
@testable import SyncStore
import SyncModel
import Testing

/// The highest own seq a replica may have sent (`sent_through`): raised before a push, lowered
/// after a refusal, started over by `rekey`, which refuses while ops sent without an answer are
/// queued (the daemon may hold them under their dots).
@Suite struct SentSeqTests {
    @Test func theMarkRisesFallsAndKeepsRekeyFromMovingOpsTheDaemonMayHold() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let store = try ReplicaStore.salesLaptop(in: dir)
        #expect(try store.sentThrough() == 0)
        for i in 1...3 { _ = try store.create("projects", id: "p\(i)", fields: ["name": .text("n\(i)")]) }
        let queued = try store.outbox(limit: 100)
        try store.markSent(through: queued[3].seq)
        try store.markSent(through: 1)                       // never lowers
        #expect(try store.sentThrough() == queued[3].seq)
        // Sent, no answer: the daemon may hold them; rekey would count them twice.
        #expect(throws: StoreError.self) { _ = try store.rekey(to: "sales-laptop-2") }
        #expect(try store.identity().node == "sales-laptop" && store.outbox(limit: 100) == queued)
        // The push was refused from its first op on: nothing of it stored.
        try store.unmarkSent(downTo: queued[0].seq - 1)
        try store.unmarkSent(downTo: 99)                     // never raises
        #expect(try store.sentThrough() == queued[0].seq - 1)
        #expect(try store.rekey(to: "sales-laptop-2").moved == queued.count)
        #expect(try store.sentThrough() == 0)
    }
}
