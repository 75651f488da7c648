import GRDB
import Foundation
import Planning
@testable import SyncStore
import SyncModel
import Testing

@Suite struct LocalWriteTests {
    let dir: TempDir
    let store: ReplicaStore

    init() throws {
        dir = try TempDir()
        store = try .salesLaptop(in: dir)
    }

    @Test func createWritesDeletedFalseFirstThenFieldsAndShowsThemInTheTable() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: ["name": .text("春季推广"), "status": .text("planning"), "budget": .integer(80_000_000)])
        #expect(id == id.lowercased() && UUID(uuidString: id) != nil)
        #expect(Array(id)[14] == "7", "a version 7 UUID: rows made together sort together")
        let outbox = try store.outbox(limit: 10)
        #expect(outbox.map(\.field) == [Op.deletedField, "name", "status", "budget"])
        #expect(outbox.map(\.seq) == [1, 2, 3, 4])
        #expect(outbox[0].value == .bool(false) && outbox[0].context == VersionVector())
        #expect(zip(outbox, outbox.dropFirst()).allSatisfy { $0.hlc < $1.hlc })
        let row = try #require(try store.row("projects", id: id))
        #expect(row.fields["name"] == .value(.text("春季推广")))
        #expect(row.fields["budget"] == .value(.integer(80_000_000)))
        #expect(row.fields["spent"] == .counter(0) && row.fields["channels"] == .set([]))
        #expect(!row.deleted && row.conflicts.isEmpty)
        let dump = try store.contentDump()
        #expect(dump.contains("id:\"\(id)\" name:\"春季推广\" status:\"planning\" budget:80000000"))
    }

    @Test func aForbiddenWriteNamesTheVersionOfTheDaemonsRules() throws {
        defer { dir.cleanup() }
        // The daemon's whole rules: the laptop keeps its department's subset under their version.
        let department = try store.identity().department
        let whole = AccessRules([.init(collection: "projects", access: .write, departments: ["finance"]),
                                 .init(collection: "tasks", access: .read, departments: ["hr", department])])
        try store.adoptRules(AccessRules.Wire(entries: whole.concerning(department).entries, version: whole.version))
        #expect(AccessRules(whole.concerning(department).entries).version != whole.version)
        do {
            _ = try store.create("projects", fields: ["name": .text("禁止")])
            Issue.record("a forbidden write was accepted")
        } catch StoreError.forbidden(let message) {
            #expect(message.hasSuffix("rules version \(whole.version))"), "\(message)")
        }
        #expect(try store.outboxCount() == 0)
    }

    @Test func outboxAfterASeqReadsOnlyWhatFollowsIt() throws {
        defer { dir.cleanup() }
        for i in 0..<5 { _ = try store.create("projects", fields: ["name": .text("项目 \(i)")]) }
        let all = try store.outbox(limit: 100)
        #expect(all.map(\.seq) == Array(1...10))
        #expect(try store.outbox(after: 3, limit: 4).map(\.seq) == [4, 5, 6, 7])
        #expect(try store.outbox(after: 10, limit: 4).isEmpty)
        #expect(try store.outbox(after: 0, limit: 0).isEmpty)
        try store.acknowledge(through: 6)
        #expect(try store.outbox(after: 2, limit: 100).map(\.seq) == [7, 8, 9, 10])
        #expect(try store.outbox(after: 7, limit: 100) == all.suffix(3))
    }

    @Test func encodedOutboxIsTheOutboxAsItsJSONText() throws {
        defer { dir.cleanup() }
        for i in 0..<4 { _ = try store.create("projects", fields: ["name": .text("项目 \"\(i)\"\n"), "budget": .integer(Int64(i) - 2)]) }
        for (after, limit) in [(0, 100), (3, 4), (8, 1), (12, 5), (0, 0)] {
            let expected = try store.outbox(after: UInt64(after), limit: limit).map { op throws in try EncodedOp(op) }
            #expect(try store.encodedOutbox(after: UInt64(after), limit: limit) == expected)
        }
        // A hand-edited text with a raw line break is written again; one that does not decode is refused.
        let pool = try DatabaseQueue(path: dir.path("r.sqlite"))
        let first = try #require(try store.outbox(limit: 1).first)
        try pool.write { db in
            try db.execute(sql: "UPDATE ps_outbox SET op = replace(op, ',', ',\n  ') WHERE seq = 1")
        }
        #expect(try store.encodedOutbox(after: 0, limit: 1) == [try EncodedOp(first)])
        try pool.write { db in try db.execute(sql: "UPDATE ps_outbox SET op = '{\"collection\":\n' WHERE seq = 1") }
        #expect(throws: StoreError.self) { try store.encodedOutbox(after: 0, limit: 1) }
        #expect(try store.encodedOutbox(after: 1, limit: 1).map(\.seq) == [2])
    }

    @Test func anOutboxRowMustHoldItsOwnDotOrTheSyncStops() throws {
        defer { dir.cleanup() }
        for i in 0..<3 { _ = try store.create("projects", fields: ["name": .text("项目 \(i)")]) }
        let ops = try store.outbox(limit: 100)
        let pool = try DatabaseQueue(path: dir.path("r.sqlite"))
        func set(_ seq: Int, _ sql: String) throws { try pool.write { db in try db.execute(sql: "UPDATE ps_outbox SET op = \(sql) WHERE seq = \(seq)") } }
        func refused(_ seq: Int) -> Bool {
            do { _ = try store.encodedOutbox(after: UInt64(seq - 1), limit: 1); return false } catch { return error is StoreError }
        }
        // Another row's op: acknowledging this row by its seq would drop an op never sent.
        try set(2, "(SELECT op FROM ps_outbox WHERE seq = 1)")
        #expect(refused(2))
        // Two ops in one row, an array, nothing, another node.
        try set(3, "(SELECT op FROM ps_outbox WHERE seq = 3) || ',' || (SELECT op FROM ps_outbox WHERE seq = 4)")
        #expect(refused(3))
        try set(4, "'[' || op || ']'")
        #expect(refused(4))
        try set(5, "''")
        #expect(refused(5))
        try set(6, "replace(op, '\"node\":\"sales-laptop\"', '\"node\":\"other\"')")
        #expect(refused(6))
        // Padding is compacted rather than sent.
        try set(1, "op || printf('%.*c', 2000000, ' ')")
        #expect(try store.encodedOutbox(after: 0, limit: 1) == [try EncodedOp(ops[0])])
    }

    @Test func createWithGivenIdRefusesATakenId() throws {
        defer { dir.cleanup() }
        #expect(try store.create("departments", id: "sales", fields: ["name": .text("Sales")]) == "sales")
        #expect(throws: StoreError.rowExists(collection: "departments", id: "sales")) {
            try store.create("departments", id: "sales", fields: [:])
        }
    }

    @Test func updateReplacesTheSiblingItSaw() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: ["status": .text("planning")])
        try store.update("projects", id: id, fields: ["status": .text("active"), "urgent": .bool(true), "ratio": .real(0.5), "end": .text("2027-04-20")])
        let ops = try store.outbox(limit: 10)
        let statusSet = try #require(ops.last { $0.field == "status" })
        #expect(statusSet.replaces == [Dot(node: "sales-laptop", seq: 2)])
        let row = try #require(try store.row("projects", id: id))
        #expect(row.fields["status"] == .value(.text("active")))
        #expect(row.fields["urgent"] == .value(.bool(true)))
        #expect(row.fields["ratio"] == .value(.real(0.5)))
        #expect(try store.contentDump().contains("status:\"active\" budget:NULL ratio:0.5 urgent:1 end:\"2027-04-20\""))
        #expect(try store.rows("projects", where: ["status": .text("active")]).map(\.id) == [id])
        #expect(try store.rows("projects", where: ["status": .text("planning")]).isEmpty)
    }

    @Test func updateOfAnUnknownRowIsRowNotFound() throws {
        defer { dir.cleanup() }
        #expect(throws: StoreError.rowNotFound(collection: "projects", id: "nope")) {
            try store.update("projects", id: "nope", fields: ["name": .text("x")])
        }
    }

    @Test func anIdInTheWrongCaseGetsAHint() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: [:])
        do {
            try store.update("projects", id: id.uppercased(), fields: ["name": .text("x")])
            Issue.record("an id in upper case found the row")
        } catch let error as StoreError {
            #expect(error.description == "projects has no row \(id.uppercased()) (ids are case-sensitive; the ones plansync makes are lowercase)")
        }
        #expect(StoreError.rowNotFound(collection: "projects", id: "nope").description == "projects has no row nope")
    }

    @Test func anIncrementBeyond2To53IsRefusedAndChangesNothing() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: [:])
        let limit = Int64(Dot.maxSeq)
        try store.increment("projects", id: id, field: "spent", by: -limit)
        let before = try store.outboxCount()
        #expect(throws: StoreError.self) { try store.increment("projects", id: id, field: "spent", by: -1) }
        #expect(try store.outboxCount() == before)
        #expect(try store.row("projects", id: id)?.fields["spent"] == .counter(-limit))
        try store.increment("projects", id: id, field: "spent", by: limit)
        try store.increment("projects", id: id, field: "spent", by: limit)
        #expect(throws: StoreError.self) { try store.increment("projects", id: id, field: "spent", by: 1) }
        #expect(try store.row("projects", id: id)?.fields["spent"] == .counter(limit))
        // A concurrent increment elsewhere took the sum beyond: edits back toward the range pass.
        var remote = Op(collection: "projects", row: id, field: "spent", kind: .inc, node: "finance-laptop", seq: 1,
                        hlc: HLCTimestamp(raw: 1 << 16), delta: limit)
        remote.department = "finance"
        remote.log = 1
        try store.applyRemote([remote], cursor: 1)
        #expect(throws: StoreError.self) { try store.increment("projects", id: id, field: "spent", by: 1) }
        try store.increment("projects", id: id, field: "spent", by: -1)
        #expect(try store.row("projects", id: id)?.fields["spent"] == .counter(2 * limit - 1))
    }

    @Test func incrementSumsDeltas() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: [:])
        try store.increment("projects", id: id, field: "spent", by: 5_000_000)
        try store.increment("projects", id: id, field: "spent", by: -1_200_000)
        #expect(try store.row("projects", id: id)?.fields["spent"] == .counter(3_800_000))
        #expect(try store.contentDump().contains("spent:3800000"))
        #expect(try store.rows("projects", where: ["spent": .integer(3_800_000)]).count == 1)
    }

    @Test func addAndRemoveKeepASortedJSONArray() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: [:])
        try store.add("projects", id: id, field: "channels", element: "社交媒体")
        try store.add("projects", id: id, field: "channels", element: "短视频")
        try store.add("projects", id: id, field: "channels", element: "email")
        try store.remove("projects", id: id, field: "channels", element: "社交媒体")
        #expect(try store.row("projects", id: id)?.fields["channels"] == .set(["email", "短视频"]))
        #expect(try store.contentDump().contains("channels:\"[\\\"email\\\",\\\"短视频\\\"]\""))
        let remove = try #require(try store.outbox(limit: 10).last)
        #expect(remove.kind == .remove && remove.removes == [Dot(node: "sales-laptop", seq: 2)])
        #expect(try store.rows("projects", where: ["channels": .text("email")]).count == 1)
    }

    @Test func removeOfAnAbsentElementIsRefused() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: [:])
        #expect(throws: StoreError.elementAbsent(path: "projects.channels", element: "tv")) {
            try store.remove("projects", id: id, field: "channels", element: "tv")
        }
    }

    @Test func deleteCarriesRowVVAndRestoreBringsTheRowBack() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: ["name": .text("a")])
        try store.increment("projects", id: id, field: "spent", by: 3)
        try store.delete("projects", id: id)
        let delete = try #require(try store.outbox(limit: 10).last)
        #expect(delete.field == Op.deletedField && delete.value == .bool(true))
        #expect(delete.context == VersionVector(["sales-laptop": 3]))
        #expect(try store.row("projects", id: id)?.deleted == true)
        #expect(try store.rows("projects").isEmpty)
        #expect(try store.rows("projects", includeDeleted: true).count == 1)
        #expect(throws: StoreError.alreadyDeleted(collection: "projects", id: id)) { try store.delete("projects", id: id) }
        try store.restore("projects", id: id)
        #expect(try store.row("projects", id: id)?.deleted == false)
        #expect(throws: StoreError.notDeleted(collection: "projects", id: id)) { try store.restore("projects", id: id) }
    }

    @Test func editsOfADeletedRowAreRefused() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: ["name": .text("a")])
        try store.add("projects", id: id, field: "channels", element: "tv")
        try store.delete("projects", id: id)
        let deleted = StoreError.rowDeleted(collection: "projects", id: id)
        #expect(deleted.description == "projects \(id) is deleted; restore it first")
        #expect(throws: deleted) { try store.update("projects", id: id, fields: ["name": .text("b")]) }
        #expect(throws: deleted) { try store.increment("projects", id: id, field: "spent", by: 1) }
        #expect(throws: deleted) { try store.add("projects", id: id, field: "channels", element: "x") }
        #expect(throws: deleted) { try store.remove("projects", id: id, field: "channels", element: "tv") }
    }

    @Test func danglingRefsAreReported() throws {
        defer { dir.cleanup() }
        let dept = try store.create("departments", fields: ["name": .text("Sales")])
        let project = try store.create("projects", fields: ["owner": .text(dept)])
        #expect(try store.row("projects", id: project)?.danglingRefs == [])
        try store.delete("departments", id: dept)
        #expect(try store.row("projects", id: project)?.danglingRefs == ["owner"])
        try store.update("projects", id: project, fields: ["owner": .text("ghost")])
        #expect(try store.row("projects", id: project)?.danglingRefs == ["owner"])
    }

    @Test func seqAndClockSurviveReopening() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: [:])
        let before = try #require(try store.outbox(limit: 10).last)
        let reopened = try ReplicaStore(opening: dir.path("r.sqlite"), schema: TestSchema.schema)
        try reopened.increment("projects", id: id, field: "spent", by: 1)
        let after = try #require(try reopened.outbox(limit: 10).last)
        #expect(after.seq == before.seq + 1)
        #expect(after.hlc > before.hlc)
    }

    /// The HLC receive rule without a write of `ps_identity`: an applied op's reading goes to
    /// `ps_applied.hlc`, and local writes, before and after reopening, stamp after it, even when it
    /// is an hour ahead of the wall clock.
    @Test func localWritesStampAfterTheNewestAppliedReading() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: [:])
        let stored = { try self.store.read { db in try String.fetchOne(db, sql: "SELECT hlc FROM ps_identity") } }
        let before = try stored()
        let ahead = IdentityRecord.wallMilliseconds() + 3_600_000
        var remote = OpBuilder.set(collection: "projects", row: id, field: "name", value: .text("Spring"), current: nil,
                                   stamp: stamp("marketing-laptop", 1, ahead))
        remote.department = "marketing"
        remote.log = 1
        try store.applyRemote([remote], cursor: 1)
        #expect(try stored() == before, "the applied batch did not write ps_identity")
        #expect(try store.read { db in try String.fetchOne(db, sql: "SELECT hlc FROM ps_applied WHERE node = 'marketing-laptop'") }
                == remote.hlc.description)
        try store.increment("projects", id: id, field: "spent", by: 1)
        #expect(try #require(try store.outbox(limit: 10).last).hlc > remote.hlc)
        let reopened = try ReplicaStore(opening: dir.path("r.sqlite"), schema: TestSchema.schema)
        try reopened.increment("projects", id: id, field: "spent", by: 1)
        let last = try #require(try reopened.outbox(limit: 10).last)
        #expect(last.hlc > remote.hlc && last.hlc.milliseconds == ahead)
    }

    /// A damaged applied reading stops what takes readings, with the row named, and nothing else.
    @Test func aDamagedAppliedReadingStopsLocalWritesOnlyAndIsNamed() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: [:])
        let unsent = try store.outboxCount(), recorded = try store.recentOps(limit: 100).count
        try store.write { db in try db.execute(sql: "INSERT INTO ps_applied (node, seq, hlc) VALUES ('other-laptop', 1, 'zz')") }
        #expect(throws: StoreError.corrupt("ps_applied holds the clock reading zz for node other-laptop, which is not 16 lowercase hex digits")) {
            try store.increment("projects", id: id, field: "spent", by: 1)
        }
        #expect(try store.outboxCount() == unsent)
        #expect(try store.status().node == "sales-laptop")
        #expect(try store.recentOps(limit: 100).count == recorded)
    }

    @Test func acknowledgeDropsOnlyAcknowledgedOps() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: ["name": .text("a")])
        try store.increment("projects", id: id, field: "spent", by: 1)
        #expect(try store.outboxCount() == 3)
        try store.acknowledge(through: 2)
        #expect(try store.outbox(limit: 10).map(\.seq) == [3])
        #expect(try store.outbox(limit: 0).isEmpty)
    }

    @Test func recentOpsListLocalWritesNewestFirst() throws {
        defer { dir.cleanup() }
        let id = try store.create("projects", fields: ["name": .text("a")])
        let ops = try store.recentOps(limit: 10)
        #expect(ops.map(\.op.field) == ["name", Op.deletedField])
        #expect(ops.allSatisfy { $0.origin == .local && $0.department == "sales" && $0.log == nil && $0.op.row == id })
    }

    @Test func statusSummarisesTheReplica() throws {
        defer { dir.cleanup() }
        try store.setServer("127.0.0.1:7420", token: "t")
        _ = try store.create("projects", fields: ["name": .text("a")])
        let status = try store.status()
        #expect(status.node == "sales-laptop" && status.department == "sales" && status.server == "127.0.0.1:7420")
        #expect(status.outbox == 2 && status.cursor == 0 && status.openConflicts == 0 && status.rows == 1 && status.opsApplied == 2)
        #expect(status.stateHash == (try store.stateHash()) && status.stateHash.count == 64)
        #expect(try store.identity() == ReplicaIdentity(node: "sales-laptop", department: "sales", server: "127.0.0.1:7420", token: "t"))
    }
}
