import Foundation
import GRDB
@testable import SyncStore
import SyncModel
import Testing

/// `ServerLog.compact` on a real SQLite file (issue 14): the ops below the horizon leave the log
/// and the file, the state they made stays, and admission stays exact across the horizon.
@Suite struct CompactionTests {
    let dir: TempDir
    let log: ServerLog

    init() throws {
        dir = try TempDir()
        log = try ServerLog(path: dir.path("server.sqlite"), schema: TestSchema.schema)
    }

    @discardableResult
    func commit(_ ops: [Op], _ node: String) throws -> LogCommit {
        try log.commit(ops, pushedBy: node, department: "sales", schema: TestSchema.schema,
                       wallMilliseconds: ServerLogTests.wall, maxSkewMilliseconds: ServerLogTests.skew)
    }

    func refusal(_ body: () throws -> Void) -> Admission.Refusal.Code? {
        do { try body() } catch let r as Admission.Refusal { return r.code } catch { return nil }
        return nil
    }

    /// Node `a` creates `rows` rows, then renames each `edits` times with a long text (each
    /// rename replacing the previous one), so most of the log is history the state no longer needs.
    func busyHistory(rows: Int, edits: Int) throws {
        var seq: UInt64 = 1
        var batch: [Op] = []
        for r in 0..<rows {
            batch += ServerLogTests.ops("a", from: seq, row: "row-\(r)")
            seq += 2
        }
        try commit(batch, "a")
        for e in 0..<edits {
            batch = []
            for r in 0..<rows {
                var op = OpBuilder.set(collection: "projects", row: "row-\(r)", field: "name",
                                       value: .text(String(repeating: "版本 \(e) ", count: 40)), current: nil, stamp: stamp("a", seq))
                op.replaces = [Dot(node: "a", seq: e == 0 ? UInt64(2 * r + 2) : seq - UInt64(rows))]
                batch.append(op)
                seq += 1
            }
            try commit(batch, "a")
        }
    }

    @Test func compactionDeletesTheFoldedOpsShrinksTheFileAndKeepsTheState() throws {
        defer { dir.cleanup() }
        try busyHistory(rows: 20, edits: 60)
        let head = try log.head()
        let before = try log.canonicalForm(of: "sales", rules: .open, schema: TestSchema.schema)
        let report = try log.compact(.before(position: head - 9), schema: TestSchema.schema)
        // The premise: there was something to fold, and the file was measured.
        #expect(report.previousHorizon == 0 && report.horizon == head - 10)
        #expect(report.foldedOps == Int(head - 10) && report.rowsWritten == 20)
        let bytesBefore = try #require(report.bytesBefore), bytesAfter = try #require(report.bytesAfter)
        #expect(bytesAfter * 2 < bytesBefore, "the file did not shrink: \(bytesBefore) → \(bytesAfter)")
        #expect(try log.horizon() == head - 10 && log.head() == head)
        // The folded ops are gone from the log; the rest are still there, in order.
        #expect(try log.storedOp(Dot(node: "a", seq: 1)) == nil)
        #expect(try log.storedOp(Dot(node: "a", seq: head)) != nil)
        #expect(try Int.fetchCount(log, "SELECT count(*) FROM ps_log") == 10)
        #expect(throws: SnapshotRequired(horizon: head - 10)) { _ = try log.ops(since: 0, limit: 10) }
        #expect(try log.ops(since: head - 10, limit: 100).map(\.log) == Array((head - 9)...head))
        // The snapshot and the ops after it make the same state as the whole log did.
        #expect(try log.canonicalForm(of: "sales", rules: .open, schema: TestSchema.schema) == before)
        #expect(try log.foldedSeq(of: "a") == head - 10 && log.lastSeq(of: "a") == head)
        #expect(try log.replica.pragma("integrity_check") == "ok")
        // Nothing more to fold below the same position; a second compaction goes on from the horizon.
        #expect(try log.compact(.before(position: head - 9), schema: TestSchema.schema).foldedOps == 0)
        let second = try log.compact(.before(position: head + 1), schema: TestSchema.schema)
        #expect(second.previousHorizon == head - 10 && second.horizon == head && second.foldedOps == 10)
        #expect(try log.canonicalForm(of: "sales", rules: .open, schema: TestSchema.schema) == before)
    }

    @Test func theMigrationMovesASnapshotOutOfTheFormerWithoutRowidTable() throws {
        defer { dir.cleanup() }
        try busyHistory(rows: 5, edits: 3)
        try log.compact(.before(position: try log.head()), schema: TestSchema.schema)
        let state = try log.canonicalForm(of: "sales", rules: .open, schema: TestSchema.schema)
        let records = try log.read { db in try Row.fetchAll(db, sql: "SELECT collection, row_id, record FROM ps_snapshot ORDER BY 1, 2") }
        #expect(records.count == 5)
        // The file as the migration v4-compaction left it.
        try log.write { db in
            try db.execute(sql: """
                ALTER TABLE ps_snapshot RENAME TO moved;
                CREATE TABLE ps_snapshot (collection TEXT NOT NULL, row_id TEXT NOT NULL, record TEXT NOT NULL,
                                          PRIMARY KEY (collection, row_id)) WITHOUT ROWID;
                INSERT INTO ps_snapshot SELECT collection, row_id, record FROM moved;
                DROP TABLE moved;
                DELETE FROM grdb_migrations WHERE identifier = 'v6-snapshot-rowid';
                """)
        }
        let reopened = try ServerLog(path: dir.path("server.sqlite"), schema: TestSchema.schema)
        let sql = try reopened.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'ps_snapshot'") }
        #expect(sql?.contains("WITHOUT ROWID") == false, "\(sql ?? "no table")")
        #expect(try reopened.read { db in try Row.fetchAll(db, sql: "SELECT collection, row_id, record FROM ps_snapshot ORDER BY 1, 2") } == records)
        #expect(try reopened.canonicalForm(of: "sales", rules: .open, schema: TestSchema.schema) == state)
    }

    @Test func aPositionBeyondTheLogIsRefusedAndChangesNothing() throws {
        defer { dir.cleanup() }
        try commit(ServerLogTests.ops("a"), "a")
        #expect(throws: StoreError.self) { try log.compact(.before(position: 9), schema: TestSchema.schema) }
        #expect(try log.horizon() == 0 && log.ops(since: 0, limit: 10).count == 2)
    }

    @Test func keepDaysFoldsOnlyOpsReceivedBeforeTheCutoff() throws {
        defer { dir.cleanup() }
        try commit(ServerLogTests.ops("a"), "a")
        let now = ServerLogTests.wall + 3 * CompactionTarget.day
        #expect(try log.compact(.keepDays(5, nowMilliseconds: now), schema: TestSchema.schema).foldedOps == 0)
        #expect(try log.compact(.keepDays(2, nowMilliseconds: now), schema: TestSchema.schema).horizon == 2)
    }

    @Test func aPushNamingACompactedDotIsAcceptedAndSeqsGoOnAcrossTheHorizon() throws {
        defer { dir.cleanup() }
        // a creates p1 and names it (a:1, a:2), adds a channel (a:3); b names it too, replacing a:2 (b:1).
        try commit(ServerLogTests.ops("a"), "a")
        try commit([OpBuilder.add(collection: "projects", row: "p1", field: "channels", element: "广播", stamp: stamp("a", 3))], "a")
        try commit([OpBuilder.set(collection: "projects", row: "p1", field: "name", value: .text("b"), current: nil, stamp: stamp("b", 1))], "b")
        try log.compact(.before(position: 5), schema: TestSchema.schema)
        #expect(try log.horizon() == 4 && log.storedOp(Dot(node: "a", seq: 2)) == nil)

        // A laptop offline across the compaction replaces the folded a:2 and b:1 and removes the folded add a:3.
        var rename = OpBuilder.set(collection: "projects", row: "p1", field: "name", value: .text("c"), current: nil, stamp: stamp("c", 1))
        rename.replaces = [Dot(node: "a", seq: 2), Dot(node: "b", seq: 1)]
        let remove = Op(collection: "projects", row: "p1", field: "channels", kind: .remove, node: "c", seq: 2,
                        hlc: stamp("c", 2).hlc, element: "广播", removes: [Dot(node: "a", seq: 3)])
        let accepted = try commit([rename, remove], "c")
        #expect(accepted.appended.map(\.log) == [5, 6])
        // A dot the snapshot does not cover is still unknown.
        var unknown = OpBuilder.set(collection: "projects", row: "p1", field: "name", value: .text("d"), current: nil, stamp: stamp("c", 3))
        unknown.replaces = [Dot(node: "a", seq: 4)]
        #expect(refusal { try commit([unknown], "c") } == .invalidOp)

        // Next seq across the horizon: a's next is 4 (its ops 1…3 are all folded), a gap is refused.
        #expect(refusal { try commit([OpBuilder.inc(collection: "projects", row: "p1", field: "spent", delta: 1, stamp: stamp("a", 5))], "a") } == .seqGap)
        let next = try commit([OpBuilder.inc(collection: "projects", row: "p1", field: "spent", delta: 1, stamp: stamp("a", 4))], "a")
        #expect(next.appended.map(\.seq) == [4] && next.duplicates == 0)
        // A folded op pushed again (an ack lost before the compaction) is a duplicate, its content
        // no longer compared: it is gone.
        var again = ServerLogTests.ops("a")[1]
        again.value = .text("not what was pushed")
        let duplicate = try commit([again], "a")
        #expect(duplicate.duplicates == 1 && duplicate.appended.isEmpty)
        #expect(try log.head() == 7)
    }
}

extension Int {
    /// `SELECT count(*) …` on the daemon's file.
    static func fetchCount(_ log: ServerLog, _ sql: String) throws -> Int {
        try log.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }
}
