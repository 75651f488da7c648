import Foundation
@testable import SyncStore
import SyncModel
import Testing

/// Every refused write leaves the file's content exactly as it was: state hash, outbox and every
/// table's rows.
@Suite struct RefusalTests {
    struct Snapshot: Equatable {
        let hash: String
        let outbox: [Op]
        let tables: String

        init(_ store: ReplicaStore) throws {
            hash = try store.stateHash()
            outbox = try store.outbox(limit: 1_000)
            tables = try store.contentDump()
        }
    }

    /// A replica with a live row, a deleted row, a set holding "tv", and an open conflict.
    static func fixture(_ dir: TempDir) throws -> (ReplicaStore, live: String, deleted: String, conflict: String) {
        let store = try ReplicaStore.create(at: dir.path("r.sqlite"), identity: ReplicaIdentity(node: "n1", department: "sales"), schema: TestSchema.schema)
        let live = try store.create("projects", id: "live", fields: ["name": .text("a"), "status": .text("planning")])
        try store.add("projects", id: live, field: "channels", element: "tv")
        let deleted = try store.create("projects", id: "gone", fields: [:])
        try store.delete("projects", id: deleted)
        // A concurrent write of `name` by another node makes a register conflict.
        let other = OpBuilder.set(collection: "projects", row: live, field: "name", value: .text("b"), current: nil, stamp: stamp("n2", 1))
        try store.applyRemote([other], cursor: 1)
        let conflict = try #require(try store.openConflicts().first?.id)
        return (store, live, deleted, conflict)
    }

    static let refusals: [(String, @Sendable (ReplicaStore) throws -> Void)] = [
        ("unknown collection", { try $0.create("nope", fields: [:]) }),
        ("unknown field", { try $0.update("projects", id: "live", fields: ["colour": .text("red")]) }),
        ("bad enum", { try $0.update("projects", id: "live", fields: ["status": .text("paused")]) }),
        ("bad date", { try $0.update("projects", id: "live", fields: ["end": .text("2027-02-30")]) }),
        ("wrong type", { try $0.update("projects", id: "live", fields: ["budget": .text("lots")]) }),
        ("one bad field of several", { try $0.update("projects", id: "live", fields: ["name": .text("ok"), "status": .text("paused")]) }),
        ("put of a counter", { try $0.update("projects", id: "live", fields: ["spent": .integer(5)]) }),
        ("put of _deleted", { try $0.update("projects", id: "live", fields: [Op.deletedField: .bool(true)]) }),
        ("inc of a register", { try $0.increment("projects", id: "live", field: "name", by: 1) }),
        ("inc beyond 2^53", { try $0.increment("projects", id: "live", field: "spent", by: Int64(1) << 54) }),
        ("NUL in a text", { try $0.update("projects", id: "live", fields: ["name": .text("a\u{0}b")]) }),
        ("NUL in a conflict's new value", { store in try store.resolve(conflict: try store.openConflicts()[0].id, with: .value(.text("\u{0}"))) }),
        ("real beyond 2^53", { try $0.update("projects", id: "live", fields: ["ratio": .real(9_007_199_254_740_994)]) }),
        ("add to a register", { try $0.add("projects", id: "live", field: "name", element: "x") }),
        ("unknown row", { try $0.update("projects", id: "missing", fields: ["name": .text("x")]) }),
        ("bad row id", { try $0.create("projects", id: "has space", fields: [:]) }),
        ("taken id", { try $0.create("projects", id: "live", fields: [:]) }),
        ("edit of a deleted row", { try $0.update("projects", id: "gone", fields: ["name": .text("x")]) }),
        ("inc of a deleted row", { try $0.increment("projects", id: "gone", field: "spent", by: 1) }),
        ("delete of a deleted row", { try $0.delete("projects", id: "gone") }),
        ("restore of a live row", { try $0.restore("projects", id: "live") }),
        ("remove of an absent element", { try $0.remove("projects", id: "live", field: "channels", element: "radio") }),
        ("unknown conflict", { try $0.resolve(conflict: "ffffffffffff", with: .pick(1)) }),
        ("pick out of range", { store in try store.resolve(conflict: try store.openConflicts()[0].id, with: .pick(3)) }),
        ("pick zero", { store in try store.resolve(conflict: try store.openConflicts()[0].id, with: .pick(0)) }),
        ("resolve with a bad value", { store in try store.resolve(conflict: try store.openConflicts()[0].id, with: .value(.integer(7))) }),
        ("remote batch with one invalid op", { store in
            let good = OpBuilder.set(collection: "projects", row: "live", field: "name", value: .text("c"), current: nil, stamp: stamp("n3", 1))
            let bad = OpBuilder.set(collection: "projects", row: "live", field: "status", value: .text("paused"), current: nil, stamp: stamp("n3", 2))
            try store.applyRemote([good, bad], cursor: 3)
        }),
        ("remote batch with an empty node id first", { store in
            var bad = OpBuilder.set(collection: "projects", row: "live", field: "name", value: .text("d"), current: nil, stamp: stamp("n3", 1))
            bad.node = ""
            let good = OpBuilder.set(collection: "projects", row: "live", field: "name", value: .text("c"), current: nil, stamp: stamp("n3", 1))
            try store.applyRemote([bad, good], cursor: 3)
        }),
        ("remote batch whose later op has a bad node id", { store in
            let good = OpBuilder.set(collection: "projects", row: "live", field: "name", value: .text("c"), current: nil, stamp: stamp("n3", 1))
            var bad = OpBuilder.set(collection: "projects", row: "live", field: "name", value: .text("d"), current: nil, stamp: stamp("n3", 2))
            bad.node = "n3:x"
            try store.applyRemote([good, bad], cursor: 3)
        }),
        ("remote batch whose later op has a seq of 0", { store in
            let good = OpBuilder.set(collection: "projects", row: "live", field: "name", value: .text("c"), current: nil, stamp: stamp("n3", 1))
            var bad = OpBuilder.set(collection: "projects", row: "live", field: "name", value: .text("d"), current: nil, stamp: stamp("n3", 2))
            bad.seq = 0
            try store.applyRemote([good, bad], cursor: 3)
        }),
    ]

    @Test(arguments: 0..<RefusalTests.refusals.count)
    func refusedWriteChangesNothing(index: Int) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let (store, _, _, _) = try RefusalTests.fixture(dir)
        let (name, attempt) = RefusalTests.refusals[index]
        let before = try Snapshot(store)
        #expect(throws: StoreError.self, "\(name) was not refused") { try attempt(store) }
        #expect(try Snapshot(store) == before, "\(name) changed the file")
        // The same holds on disk: a fresh connection sees the same content.
        #expect(try Snapshot(try ReplicaStore(opening: dir.path("r.sqlite"), schema: TestSchema.schema)) == before, "\(name) changed the file")
    }

    @Test func errorsReadAsOneLine() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let (store, _, _, _) = try RefusalTests.fixture(dir)
        for (name, attempt) in RefusalTests.refusals {
            do {
                try attempt(store)
                Issue.record("\(name) was not refused")
            } catch let error as StoreError {
                #expect(!error.description.isEmpty && !error.description.contains("\n"), "\(name): \(error)")
            }
        }
        #expect(throws: StoreError.validation(ValidationError("projects.status: \"paused\" is not one of planning, active, done"))) {
            try store.update("projects", id: "live", fields: ["status": .text("paused")])
        }
    }
}
