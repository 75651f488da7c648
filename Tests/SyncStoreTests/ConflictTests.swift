import Foundation
@testable import SyncStore
import SyncModel
import Testing

@Suite struct ConflictTests {
    let dir: TempDir
    let store: ReplicaStore

    init() throws {
        dir = try TempDir()
        store = try .salesLaptop(in: dir)
    }

    /// `end` written here and concurrently by marketing: two siblings.
    func registerConflict() throws -> (row: String, conflict: ConflictView) {
        let id = try store.create("projects", fields: ["end": .text("2027-04-20")])
        var remote = OpBuilder.set(collection: "projects", row: id, field: "end", value: .text("2027-05-01"), current: nil, stamp: stamp("marketing-laptop", 1, 1_600_000_000_000))
        remote.department = "marketing"
        remote.log = 1
        try store.applyRemote([remote], cursor: 1)
        return (id, try #require(try store.openConflicts().first))
    }

    @Test func concurrentWritesShowBothValuesWinnerFirst() throws {
        defer { dir.cleanup() }
        let (id, conflict) = try registerConflict()
        #expect(conflict.kind == .register && conflict.field == "end" && conflict.row == id)
        #expect(conflict.values.map(\.n) == [1, 2])
        // The local write has the later HLC (wall clock now), so it is the winner.
        #expect(conflict.values.map(\.value) == [.text("2027-04-20"), .text("2027-05-01")])
        #expect(conflict.values.map(\.department) == ["sales", "marketing"])
        #expect(try store.row("projects", id: id)?.fields["end"] == .value(.text("2027-04-20")))
        #expect(try store.conflict(String(conflict.id.prefix(5))) == conflict)
        #expect(try store.conflict("000000000000") == nil)
        #expect(try store.status().openConflicts == 1)
    }

    @Test func pickKeepsTheValueAndRecordsTheDiscardedOne() throws {
        defer { dir.cleanup() }
        let (id, conflict) = try registerConflict()
        try store.resolve(conflict: conflict.id, with: .pick(2))
        #expect(try store.openConflicts().isEmpty)
        #expect(try store.row("projects", id: id)?.fields["end"] == .value(.text("2027-05-01")))
        let resolve = try #require(try store.outbox(limit: 10).last)
        #expect(Set(resolve.replaces) == Set(conflict.values.map(\.dot)))
        let history = try store.conflictHistory()
        #expect(history.count == 1)
        let entry = try #require(history.first)
        #expect(entry.id == conflict.id && entry.kind == .register && entry.field == "end" && entry.row == id)
        #expect(entry.discarded.map(\.value) == [.text("2027-04-20"), .text("2027-05-01")])
        #expect(entry.kept == .text("2027-05-01"))
        #expect(entry.resolvedBy == Dot(node: "sales-laptop", seq: resolve.seq) && entry.resolvedAt == resolve.hlc)
    }

    @Test func aNewValueResolvesToo() throws {
        defer { dir.cleanup() }
        let (id, conflict) = try registerConflict()
        try store.resolve(conflict: conflict.id, with: .value(.text("2027-06-30")))
        #expect(try store.row("projects", id: id)?.fields["end"] == .value(.text("2027-06-30")))
        #expect(try store.openConflicts().isEmpty)
        #expect(try store.conflictHistory().first?.kept == .text("2027-06-30"))
    }

    @Test func aRemoteWriteThatSawBothSiblingsClosesTheConflictAndIsRecorded() throws {
        defer { dir.cleanup() }
        let (_, conflict) = try registerConflict()
        let close = Op(collection: "projects", row: conflict.row, field: "end", kind: .set, node: "marketing-laptop", seq: 2,
                       hlc: HLCTimestamp(raw: 1_600_000_000_001 << 16), value: .text("2027-05-15"), replaces: conflict.values.map(\.dot))
        try store.applyRemote([close], cursor: 2)
        #expect(try store.openConflicts().isEmpty)
        #expect(try store.conflictHistory().map(\.resolvedBy) == [Dot(node: "marketing-laptop", seq: 2)])
    }

    /// Sales deletes a row while marketing, not having seen the delete, edits it.
    func editOnDeleted() throws -> (row: String, conflict: ConflictView) {
        let id = try store.create("projects", fields: ["name": .text("a")])
        let create = try store.outbox(limit: 10)
        try store.acknowledge(through: 2)
        try store.delete("projects", id: id)
        // The remote edit names the sibling it saw: the name written by sales.
        var edit = OpBuilder.set(collection: "projects", row: id, field: "name", value: .text("b"), current: nil, stamp: stamp("marketing-laptop", 1))
        edit.replaces = [create[1].dot]
        edit.department = "marketing"
        try store.applyRemote([edit], cursor: 1)
        let conflict = try #require(try store.openConflicts().first { $0.kind == .editOnDeleted })
        return (id, conflict)
    }

    @Test func editOnDeletedListsKeepDeletedThenRestore() throws {
        defer { dir.cleanup() }
        let (id, conflict) = try editOnDeleted()
        #expect(conflict.field == Op.deletedField && conflict.row == id)
        #expect(conflict.edits == [Dot(node: "marketing-laptop", seq: 1)])
        #expect(conflict.values.map(\.value) == [.bool(true), .bool(false)])
        #expect(conflict.values.map(\.node) == ["sales-laptop", "marketing-laptop"])
        #expect(conflict.values.map(\.department) == ["sales", "marketing"])
        #expect(try store.row("projects", id: id)?.deleted == true)
        // The edit was applied to the metadata: a restore shows the newest value.
        #expect(throws: StoreError.rowDeleted(collection: "projects", id: id)) { try store.update("projects", id: id, fields: ["name": .text("c")]) }
    }

    @Test func pickOneDeletesAgainCoveringTheEdits() throws {
        defer { dir.cleanup() }
        let (id, conflict) = try editOnDeleted()
        try store.resolve(conflict: conflict.id, with: .pick(1))
        #expect(try store.openConflicts().isEmpty)
        #expect(try store.row("projects", id: id)?.deleted == true)
        let redelete = try #require(try store.outbox(limit: 10).last)
        #expect(redelete.context?["marketing-laptop"] == 1)
        let entry = try #require(try store.conflictHistory().first)
        #expect(entry.kind == .editOnDeleted && entry.id == conflict.id && entry.kept == .bool(true))
        #expect(entry.discarded.map(\.value) == [.bool(false)] && entry.discarded.map(\.dot) == [Dot(node: "marketing-laptop", seq: 1)])
    }

    @Test func pickTwoRestoresWithTheNewestValues() throws {
        defer { dir.cleanup() }
        let (id, conflict) = try editOnDeleted()
        try store.resolve(conflict: conflict.id, with: .pick(2))
        #expect(try store.openConflicts().isEmpty)
        let row = try #require(try store.row("projects", id: id))
        #expect(!row.deleted && row.fields["name"] == .value(.text("b")))
        let entry = try #require(try store.conflictHistory().first)
        #expect(entry.kind == .editOnDeleted && entry.kept == .bool(false) && entry.discarded.map(\.value) == [.bool(true)])
    }

    @Test func restoreClosesEditOnDeletedToo() throws {
        defer { dir.cleanup() }
        let (id, _) = try editOnDeleted()
        try store.restore("projects", id: id)
        #expect(try store.openConflicts().isEmpty)
        #expect(try store.conflictHistory().map(\.kind) == [.editOnDeleted])
    }

    @Test func concurrentDeleteAndRestoreIsARegisterConflictOnDeleted() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: [:])
        let create = try #require(try store.outbox(limit: 1).first)
        try store.delete("projects", id: id)
        // Another node restores having seen only the create.
        let restore = OpBuilder.set(collection: "projects", row: id, field: Op.deletedField, value: .bool(false),
                                    current: RowState(deleted: MultiValueRegister(siblings: [Sibling(create)])), stamp: stamp("other", 1))
        try store.applyRemote([restore], cursor: 1)
        let conflict = try #require(try store.openConflicts().first)
        #expect(conflict.kind == .register && conflict.field == Op.deletedField && conflict.values.count == 2)
        // Restoring settles it even though the row is already live or deleted.
        try store.restore("projects", id: id)
        #expect(try store.openConflicts().isEmpty)
        #expect(try store.row("projects", id: id)?.deleted == false)
    }
}
