import SyncModel
import Testing

/// Row liveness through `_deleted`, `row_vv` and `context` (DESIGN.md, "Delete wins, but never silently").
@Suite("Row delete and edit")
struct RowLivenessTests {
    // a creates the row and writes a title; b deletes having seen both; c edits without seeing the delete.
    static let create = deleteOp("a", 1, false, context: [:], hlc: ts(1))
    static let title = setOp("a", 2, .text("plan"), hlc: ts(2))
    static let delete = deleteOp("b", 1, true, context: ["a": 2], replaces: ["a:1"], hlc: ts(3))
    static let edit = setOp("c", 1, .text("plan v2"), replaces: ["a:2"], hlc: ts(4))

    private func conflicts(_ r: ReplicaState) -> [(kind: Conflict.Kind, field: String, id: String)] {
        r.openConflicts().map { (kind: $0.kind, field: $0.field, id: $0.id) }
    }

    @Test func deleteThenConcurrentEditIsAnEditOnDeletedConflictInEveryOrder() throws {
        let deleteFirst = try replica([Self.create, Self.title, Self.delete, Self.edit])
        let editFirst = try replica([Self.create, Self.title, Self.edit, Self.delete])
        for r in [deleteFirst, editFirst] {
            let row = try #require(r.row("items", "r1"))
            #expect(row.isDeleted)
            #expect(row.editsAfterDelete == [dot("c:1")])
            let open = r.openConflicts()
            #expect(open.count == 1)
            #expect(open.first?.kind == .editOnDeleted && open.first?.field == Op.deletedField)
            #expect(open.first?.edits == [dot("c:1")] && open.first?.values.map(\.dot) == [dot("b:1")])
        }
        #expect(deleteFirst.openConflicts().map(\.id) == editFirst.openConflicts().map(\.id))
        #expect(deleteFirst.canonicalForm() == editFirst.canonicalForm())
    }

    @Test func editsOnADeletedRowStillReachItsFields() throws {
        let r = try replica([Self.create, Self.title, Self.delete, Self.edit])
        let row = try #require(r.row("items", "r1"))
        guard case .register(let reg)? = row.fields["title"] else { Issue.record("no title register"); return }
        #expect(reg.value == .text("plan v2"))
        #expect(row.vv == VersionVector(["a": 2, "c": 1]))
    }

    @Test func deleteOfSeenEditsIsNoConflict() throws {
        let r = try replica([Self.create, Self.title, Self.delete])
        #expect(r.row("items", "r1")?.isDeleted == true)
        #expect(r.openConflicts().isEmpty)
    }

    @Test func restoreClosesIt() throws {
        let restore = deleteOp("b", 2, false, context: ["a": 2, "c": 1], replaces: ["b:1"], hlc: ts(5))
        let r = try replica([Self.create, Self.title, Self.delete, Self.edit, restore])
        #expect(r.row("items", "r1")?.isDeleted == false)
        #expect(r.openConflicts().isEmpty)
    }

    @Test func aNewDeleteWhoseContextCoversTheEditsClosesIt() throws {
        let again = deleteOp("b", 2, true, context: ["a": 2, "c": 1], replaces: ["b:1"], hlc: ts(5))
        let r = try replica([Self.create, Self.title, Self.delete, Self.edit, again])
        #expect(r.row("items", "r1")?.isDeleted == true)
        #expect(r.openConflicts().isEmpty)
    }

    @Test func aNewDeleteThatHasNotSeenTheEditsKeepsItOpen() throws {
        let again = deleteOp("d", 1, true, context: ["a": 2], replaces: ["b:1"], hlc: ts(5))
        let before = try replica([Self.create, Self.title, Self.delete, Self.edit])
        let after = try replica([Self.create, Self.title, Self.delete, Self.edit, again])
        #expect(after.openConflicts().map(\.kind) == [.editOnDeleted])
        #expect(after.openConflicts().map(\.id) != before.openConflicts().map(\.id))   // a new winner: a new conflict
    }

    @Test func laterEditsUpdateTheConflict() throws {
        let edit2 = setOp("c", 2, .text("plan v3"), replaces: ["c:1"], hlc: ts(6))
        let r1 = try replica([Self.create, Self.title, Self.delete, Self.edit])
        let r2 = try replica([Self.create, Self.title, Self.delete, Self.edit, edit2])
        #expect(r2.openConflicts().first?.edits == [dot("c:2")])
        #expect(r1.openConflicts().map(\.id) != r2.openConflicts().map(\.id))
    }

    @Test func concurrentDeleteAndRestoreIsARegisterConflict() throws {
        // Both c and d saw the delete b:1; c restores while d deletes again.
        let restore = deleteOp("c", 1, false, context: ["a": 2], replaces: ["b:1"], hlc: ts(5))
        let redelete = deleteOp("d", 1, true, context: ["a": 2], replaces: ["b:1"], hlc: ts(6))
        let base = [Self.create, Self.title, Self.delete]
        let one = try replica(base + [restore, redelete]), two = try replica(base + [redelete, restore])
        for r in [one, two] {
            let open = r.openConflicts()
            #expect(open.map(\.kind) == [.register] && open.first?.field == Op.deletedField)
            #expect(Set(open.first?.values.map(\.value) ?? []) == [.bool(true), .bool(false)])
            #expect(r.row("items", "r1")?.isDeleted == true)   // d:1 has the greater hlc
        }
        #expect(one.openConflicts().map(\.id) == two.openConflicts().map(\.id))
        // writing _deleted again resolves it
        let resolve = deleteOp("c", 2, false, context: ["a": 2], replaces: ["c:1", "d:1"], hlc: ts(7))
        var resolved = one
        try resolved.apply(resolve)
        #expect(resolved.openConflicts().isEmpty && resolved.row("items", "r1")?.isDeleted == false)
    }

    @Test func rowVersionVectorLeavesDeletedOut() throws {
        let r = try replica([Self.create, Self.title, Self.delete])
        #expect(r.row("items", "r1")?.vv == VersionVector(["a": 2]))
    }

    @Test func counterAndSetEditsCountAsEdits() throws {
        let inc = incOp("c", 1, 10), add = addOp("d", 1, "late")
        let r = try replica([Self.create, Self.title, Self.delete, inc, add])
        #expect(r.row("items", "r1")?.editsAfterDelete == [dot("c:1"), dot("d:1")])
    }
}
