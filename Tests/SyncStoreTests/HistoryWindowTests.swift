import Foundation
import GRDB
@testable import SyncStore
import SyncModel
import Testing

/// Bounded replicas (issue 14): the op record and the conflict history keep a window of days;
/// and a collection the department may no longer read leaves the file (issue 13).
@Suite struct HistoryWindowTests {
    /// A wall clock the test moves.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var now: UInt64 = 1_700_000_000_000
        var milliseconds: UInt64 { lock.withLock { now } }
        func advance(days: UInt64) { lock.withLock { now += days * 86_400_000 } }
    }

    static let day: UInt64 = 86_400_000

    /// A laptop whose `name` of a project was in conflict with node b's and then settled locally:
    /// one op record entry per write and batch, two conflict history entries.
    static func laptopWithHistory(_ dir: TempDir, _ clock: Clock) throws -> (ReplicaStore, String) {
        let store = try ReplicaStore.create(at: dir.path("r.sqlite"), identity: ReplicaIdentity(node: "sales-laptop", department: "sales"),
                                            schema: TestSchema.schema, wallClock: WallClock { clock.milliseconds })
        let id = try store.create("projects", fields: ["name": .text("本地")])
        let theirs = OpBuilder.set(collection: "projects", row: id, field: "name", value: .text("他们的"), current: nil, stamp: stamp("b", 1))
        try store.applyRemote([theirs], cursor: 1)
        #expect(try store.openConflicts().count == 1)
        try store.update("projects", id: id, fields: ["name": .text("定了")])
        #expect(try store.conflictHistory().count == 1)
        return (store, id)
    }

    @Test func compactTrimsTheOpRecordAndTheConflictHistoryToTheWindow() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let clock = Clock()
        let (store, id) = try Self.laptopWithHistory(dir, clock)
        let start = clock.milliseconds
        #expect(try store.historyReach() == HistoryReach(keepDays: 90, opRecordSince: start, conflictHistorySince: start))
        clock.advance(days: 40)
        try store.increment("projects", id: id, field: "spent", by: 3)
        let recorded = try store.recentOps(limit: 100).count

        // The default window keeps all of it; 30 days drop what is older.
        let kept = try store.trimHistory()
        #expect(kept.opsDropped == 0 && kept.conflictEntriesDropped == 0)
        let trimmed = try store.trimHistory(keepDays: 30)
        #expect(trimmed.opsDropped == recorded - 1 && trimmed.conflictEntriesDropped >= 1)
        #expect(trimmed.reach == HistoryReach(keepDays: 30, opRecordSince: start + 40 * Self.day, conflictHistorySince: nil))
        #expect(try store.recentOps(limit: 100).map(\.op.field) == ["spent"])
        #expect(try store.conflictHistory().isEmpty)
        // The window stays for later trims; the state is untouched.
        clock.advance(days: 31)
        #expect(try store.trimHistory().opsDropped == 1)
        #expect(try store.historyReach().keepDays == 30)
        #expect(try store.row("projects", id: id)?.fields["spent"] == .counter(3))
        #expect(try store.outbox(limit: 100).count == 4)
        #expect(try store.status().history?.opRecordSince == nil)
    }

    @Test func aBadWindowIsRefusedAndChangesNothing() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let (store, _) = try Self.laptopWithHistory(dir, Clock())
        let before = try store.recentOps(limit: 100)
        for days in [-1, ReplicaStore.maxHistoryDays + 1] {
            #expect(throws: StoreError.self) { try store.trimHistory(keepDays: days, nowMilliseconds: .max) }
        }
        #expect(try store.recentOps(limit: 100) == before && store.historyReach().keepDays == 90)
    }

    @Test func rulesThatHideACollectionDropItsRowsButKeepUnsentOps() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let (store, _) = try Self.laptopWithHistory(dir, Clock())
        let department = try store.create("departments", fields: ["name": .text("市场部")])
        let outbox = try store.outbox(limit: 100)
        let hidden = AccessRules([.init(collection: "projects", access: .read, departments: ["finance"])])
        try store.adoptRules(hidden.wire)
        #expect(try store.rows("projects", includeDeleted: true).isEmpty)
        #expect(try store.openConflicts().isEmpty && store.conflictHistory().isEmpty)
        #expect(try store.recentOps(limit: 100).allSatisfy { $0.op.collection == "departments" })
        #expect(try store.row("departments", id: department) != nil)
        #expect(try store.outbox(limit: 100) == outbox, "unsent ops are kept")
        // Nothing of projects is left in the merge state either.
        for table in ["ps_registers", "ps_counters", "ps_set_tags", "ps_row_vv"] {
            #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE collection = 'projects'") } == 0, "\(table)")
        }
        #expect(try store.pragma("integrity_check") == "ok")
    }
}
