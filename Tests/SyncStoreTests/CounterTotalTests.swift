import Foundation
import GRDB
@testable import SyncStore
import SyncModel
import Testing

/// The daemon's file keeps each counter's total in the log and refuses an `inc` that would take it
/// beyond ±2^53 (DESIGN.md, "every number … within ±2^53 or is refused"), whichever replicas the
/// increments came from, across group commits, compaction and reopening; a file from before the
/// totals gets them filled when it is opened.
@Suite struct CounterTotalTests {
    static let bound: Int64 = 1 << 53
    static let key = CounterKey(collection: "projects", row: "p1", field: "spent")
    static let wall = IdentityRecordClock.now

    static func inc(_ node: String, _ seq: UInt64, _ delta: Int64) -> Op {
        OpBuilder.inc(collection: "projects", row: "p1", field: "spent", delta: delta, stamp: stamp(node, seq))
    }

    static func push(_ ops: [Op], _ node: String) -> PendingPush {
        PendingPush(ops: ops, node: node, department: "sales")
    }

    func commit(_ log: ServerLog, _ ops: [Op], _ node: String) throws -> LogCommit {
        try log.commit(ops, pushedBy: node, department: "sales", schema: TestSchema.schema,
                       wallMilliseconds: CounterTotalTests.wall, maxSkewMilliseconds: 300_000)
    }

    func refusal(_ body: () throws -> Void) -> Admission.Refusal? {
        do { try body() } catch let r as Admission.Refusal { return r } catch { return nil }
        return nil
    }

    @Test func anIncThatWouldLeaveTheBoundIsRefusedWhoeverIncrementedBefore() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var log = try ServerLog(path: dir.path("server.sqlite"), schema: TestSchema.schema)
        _ = try commit(log, ServerLogTests.ops("a"), "a")
        // Each laptop stayed within the bound on its own; together they would not.
        _ = try commit(log, [Self.inc("a", 3, Self.bound - 5)], "a")
        let refused = refusal { _ = try commit(log, [Self.inc("b", 1, 10)], "b") }
        #expect(refused?.code == .invalidOp && refused?.index == 0)
        #expect(refused?.message.contains("op 0 (b:1): an inc of 10 would take projects.spent of p1 beyond ±2^53") == true)
        #expect(try log.head() == 3 && log.counterTotal(Self.key) == Self.bound - 5)
        // Toward zero is fine; so is reaching the bound itself.
        _ = try commit(log, [Self.inc("b", 1, -10), Self.inc("b", 2, 10)], "b")
        _ = try commit(log, [Self.inc("b", 3, 5)], "b")
        #expect(try log.counterTotal(Self.key) == Self.bound)
        // Within one push the earlier ops count: the second inc is refused and takes the first with it.
        #expect(refusal { _ = try commit(log, [Self.inc("a", 4, -1), Self.inc("a", 5, 2)], "a") }?.index == 1)
        #expect(try log.head() == 6 && log.counterTotal(Self.key) == Self.bound)
        // Within one group commit the earlier pushes count, and a refused one leaves no total behind.
        let results = log.commit(group: [Self.push([Self.inc("a", 4, -3)], "a"), Self.push([Self.inc("b", 4, 4)], "b"),
                                         Self.push([Self.inc("b", 4, 3)], "b")],
                                 schema: TestSchema.schema, wallMilliseconds: Self.wall, maxSkewMilliseconds: 300_000)
        #expect(results.map { (try? $0.get()) != nil } == [true, false, true])
        #expect(try log.counterTotal(Self.key) == Self.bound)
        // Other counters are their own: the same field of another row starts at 0.
        #expect(try log.counterTotal(CounterKey(collection: "projects", row: "p2", field: "spent")) == 0)
        // Compaction folds the ops, not the totals; reopening keeps them.
        try log.materialize()
        _ = try log.compact(.before(position: try log.head() + 1), schema: TestSchema.schema)
        log = try ServerLog(path: dir.path("server.sqlite"), schema: TestSchema.schema)
        #expect(try log.counterTotal(Self.key) == Self.bound)
        #expect(refusal { _ = try commit(log, [Self.inc("a", 5, 1)], "a") }?.code == .invalidOp)
    }

    @Test func aFileFromBeforeTheTotalsHasThemFilledOnOpening() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.path("server.sqlite")
        var log = try ServerLog(path: path, schema: TestSchema.schema)
        _ = try commit(log, ServerLogTests.ops("a") + ServerLogTests.ops("a", from: 3, row: "p2"), "a")
        _ = try commit(log, [Self.inc("a", 5, 700), Self.inc("a", 6, -50)], "a")
        _ = try commit(log, [Self.inc("b", 1, Self.bound - 1_000)], "b")
        // Some ops folded into the snapshot, some materialized only, some in the log alone.
        try log.materialize()
        _ = try log.compact(.before(position: 7), schema: TestSchema.schema)
        _ = try commit(log, [Self.inc("b", 2, 40), OpBuilder.inc(collection: "projects", row: "p2", field: "spent", delta: -9, stamp: stamp("b", 3))], "b")
        let expected = try log.counterTotal(Self.key)
        #expect(expected == Self.bound - 310)
        // The file as a build before the totals left it.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP TABLE ps_log_counters; DELETE FROM grdb_migrations WHERE identifier = 'v10-log-counter-totals'")
        }
        try queue.close()
        log = try ServerLog(path: path, schema: TestSchema.schema)
        #expect(try log.counterTotal(Self.key) == expected)
        #expect(try log.counterTotal(CounterKey(collection: "projects", row: "p2", field: "spent")) == -9)
        #expect(refusal { _ = try commit(log, [Self.inc("b", 4, 311)], "b") }?.code == .invalidOp)
        #expect(try commit(log, [Self.inc("b", 4, 310)], "b").appended.count == 1)
    }

    @Test func aLaptopsFileKeepsNoTotals() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let replica = try ReplicaStore.salesLaptop(in: dir)
        _ = try replica.create("projects", id: "p1", fields: ["name": .text("x")])
        try replica.increment("projects", id: "p1", field: "spent", by: 5)
        let queue = try DatabaseQueue(path: dir.path("r.sqlite"))
        defer { try? queue.close() }
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ps_log_counters") } == 0)
    }
}
