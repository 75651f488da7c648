import Foundation
@testable import SyncStore
import SyncModel
import Testing

/// A catch-up that knows how many ops follow records only the ops among the run's newest
/// ``OpRecord/kept``: the record ends as it would have after recording everything, and the
/// state is the same.
@Suite struct CatchUpRecordTests {
    /// `count` remote ops at log positions 1…count: a project per op, named.
    static func remoteOps(_ count: Int) -> [Op] {
        (1...count).map { i in
            var op = OpBuilder.set(collection: "projects", row: "p\(i)", field: "name", value: .text("n\(i)"), current: nil,
                                   stamp: stamp("far", UInt64(i)))
            op.department = "planning"
            op.log = UInt64(i)
            return op
        }
    }

    static func apply(_ ops: [Op], to store: ReplicaStore, hinted: Bool) throws {
        for start in stride(from: 0, to: ops.count, by: 1_000) {
            let end = min(start + 1_000, ops.count)
            let batch = Array(ops[start..<end])
            if hinted {
                try store.applyRemote(batch, cursor: UInt64(end), following: UInt64(ops.count - end))
            } else {
                try store.applyRemote(batch, cursor: UInt64(end))
            }
        }
    }

    @Test func aCatchUpRecordsOnlyTheOpsThatStay() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let ops = Self.remoteOps(12_500)
        let hinted = try ReplicaStore.create(at: dir.path("hinted.sqlite"), identity: ReplicaIdentity(node: "h", department: "sales"), schema: TestSchema.schema)
        let plain = try ReplicaStore.create(at: dir.path("plain.sqlite"), identity: ReplicaIdentity(node: "p", department: "sales"), schema: TestSchema.schema)
        try Self.apply(ops, to: hinted, hinted: true)
        try Self.apply(ops, to: plain, hinted: false)

        let kept = Int(OpRecord.kept)
        let record = try hinted.recentOps(limit: 100_000)
        // The newest `kept` ops, newest first, numbered from 1: nothing older was ever recorded.
        #expect(record.map(\.log) == (12_500 - kept + 1...12_500).reversed().map { UInt64($0) })
        #expect(record.map(\.position) == (1...Int64(kept)).reversed().map { $0 })
        // Recording everything keeps those ops too (and up to a trim step more), numbered on.
        let full = try plain.recentOps(limit: 100_000)
        #expect(Array(full.prefix(kept).map(\.op)) == record.map(\.op))
        #expect(full.count >= kept && full.count <= kept + Int(OpRecord.trimStep))
        #expect(try hinted.stateHash() == plain.stateHash())
        #expect(try hinted.cursor() == 12_500)
    }

    @Test func aHintBelowTheRecordKeepsItsShare() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let store = try ReplicaStore.create(at: dir.path("r.sqlite"), identity: ReplicaIdentity(node: "r", department: "sales"), schema: TestSchema.schema)
        let ops = Self.remoteOps(1_000)
        // 4,700 ops to come: only the newest 300 of this batch are among the run's newest 5,000.
        try store.applyRemote(ops, cursor: 1_000, following: 4_700)
        #expect(try store.recentOps(limit: 10_000).map(\.log) == (701...1_000).reversed().map { UInt64($0) })
    }
}
