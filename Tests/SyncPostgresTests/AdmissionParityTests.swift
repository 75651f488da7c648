import Foundation
import SyncModel
@testable import SyncPostgres
import SyncStore
import PostgresTestSupport
import Testing

/// The PostgreSQL log decides every push as the SQLite file does: the same appended ops with the
/// same positions and departments, the same duplicates, the same refusals, and a refusal changes
/// nothing.
@Suite(.serialized, .enabled(if: PostgresTestServer.enabled, Comment(rawValue: PostgresTestServer.skipReason)))
struct AdmissionParityTests {
    /// Pushes (ops, pusher, department, wall) covering acceptance, duplicates and every refusal.
    static var pushes: [(ops: [Op], node: String, department: String, wall: UInt64)] {
        let a = Fixtures.ops("a", count: 3)
        var conflicting = a[1]
        conflicting.value = .text("other content")
        var namesUnknown = Fixtures.ops("a", from: 4, count: 1)[0]
        namesUnknown.replaces = [Dot(node: "zz", seq: 1)]
        var namesKnown = Fixtures.ops("a", from: 4, count: 1)[0]
        namesKnown.replaces = [Dot(node: "b", seq: 2)]
        var future = Fixtures.ops("a", from: 4, count: 1)[0]
        future.hlc = HLCTimestamp(raw: (Fixtures.wall + 3_600_000) << 16)
        var badValue = Fixtures.ops("a", from: 5, count: 1)[0]
        badValue.value = .integer(3)
        return [
            (a, "a", "sales", Fixtures.wall),                                       // accepted 1…3
            (a, "a", "sales", Fixtures.wall),                                       // three duplicates
            (Fixtures.ops("b", count: 2), "b", "finance", Fixtures.wall),           // another node, department
            ([conflicting], "a", "sales", Fixtures.wall),                           // duplicate_dot
            (Fixtures.ops("a", from: 5, count: 1), "a", "sales", Fixtures.wall),    // seq_gap
            ([namesUnknown], "a", "sales", Fixtures.wall),                          // invalid_op: unknown dot
            (Fixtures.ops("b", from: 3, count: 1), "a", "sales", Fixtures.wall),    // invalid_op: not the pusher's
            ([future], "a", "sales", Fixtures.wall),                                // clock_skew
            ([namesKnown, badValue], "a", "sales", Fixtures.wall),                  // all or nothing: invalid_op at 1
            (Array(a[1...]) + [namesKnown], "a", "sales", Fixtures.wall),           // duplicates then a new op
            (Fixtures.ops("a", from: 5, count: 2) + Fixtures.ops("a", from: 5, count: 2), "a", "sales", Fixtures.wall), // repeated in one batch
            ([], "a", "sales", Fixtures.wall),                                      // empty push
        ]
    }

    /// Runs `body` with a SQLite daemon file in a temporary folder, removed afterwards.
    static func withSQLiteLog(_ body: (ServerLog) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plansync-parity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try body(try ServerLog(path: dir.appendingPathComponent("server.sqlite").path, schema: Fixtures.schema))
    }

    @Test func samePushesSameOutcomesAsSQLite() throws {
        try Self.withSQLiteLog { sqlite in try PostgresTestServer.withDatabase { url in
            try Fixtures.withLog(url) { postgres in
                var refusals = 0
                for (number, push) in AdmissionParityTests.pushes.enumerated() {
                    let expected = try Fixtures.outcome(sqlite, push.ops, by: push.node, department: push.department, wall: push.wall).get()
                    let got = try Fixtures.outcome(postgres, push.ops, by: push.node, department: push.department, wall: push.wall).get()
                    #expect(got == expected, "push \(number)")
                    if case .refused = expected { refusals += 1 }
                    #expect(try postgres.head() == sqlite.head(), "push \(number)")
                }
                // The pushes do exercise refusals and duplicates, and the logs end equal.
                #expect(refusals == 6)
                #expect(try postgres.ops(since: 0, limit: 1_000) == sqlite.ops(since: 0, limit: 1_000))
                #expect(try postgres.ops(since: 3, limit: 2) == sqlite.ops(since: 3, limit: 2))
                for node in ["a", "b", "zz"] {
                    #expect(try postgres.lastSeq(of: node) == sqlite.lastSeq(of: node))
                }
                #expect(try postgres.storedOp(Dot(node: "a", seq: 2)) == sqlite.storedOp(Dot(node: "a", seq: 2)))
                #expect(try postgres.storedOp(Dot(node: "a", seq: 99)) == nil)
            }
        } }
    }

    @Test func forEachOpStopsWhereTheCallerStops() throws {
        try PostgresTestServer.withDatabase { url in
            try Fixtures.withLog(url) { log in
                let count = PostgresServerLog.readRun + 10
                _ = try Fixtures.outcome(log, Fixtures.ops("a", count: count), by: "a").get()
                var seen: [UInt64] = []
                try log.forEachOp(since: 5, limit: 1_000) { op in
                    seen.append(op.log ?? 0)
                    return seen.count < PostgresServerLog.readRun + 3
                }
                #expect(seen == Array(6...UInt64(5 + PostgresServerLog.readRun + 3)))
                #expect(try log.ops(since: 0, limit: count + 5).map(\.log) == (1...UInt64(count)).map { $0 })
                #expect(try log.ops(since: UInt64(count), limit: 5).isEmpty)
            }
        }
    }

    /// Pushes of `inc`s around the ±2^53 bound of one counter's total, and the totals then.
    @Test func counterTotalsAreKeptAndCheckedAsInSQLite() throws {
        let bound: Int64 = 1 << 53
        func inc(_ node: String, _ seq: UInt64, _ delta: Int64, row: String = "p1") -> Op {
            OpBuilder.inc(collection: "projects", row: row, field: "budget_spent", delta: delta,
                          stamp: OpBuilder.Stamp(node: node, seq: seq, hlc: HLCTimestamp(raw: 1_700_000_000_000 << 16 | seq)))
        }
        let pushes: [(ops: [Op], node: String)] = [
            ([inc("a", 1, bound - 5), inc("a", 2, 3, row: "p2")], "a"),
            ([inc("b", 1, 10)], "b"),                                 // refused: beyond the bound
            ([inc("b", 1, -10), inc("b", 2, 16)], "b"),               // refused at 1, with the -10
            ([inc("b", 1, 5)], "b"),                                  // the bound itself
            ([inc("a", 3, -1), inc("a", 4, 1)], "a"),
        ]
        let keys = [CounterKey(collection: "projects", row: "p1", field: "budget_spent"),
                    CounterKey(collection: "projects", row: "p2", field: "budget_spent"),
                    CounterKey(collection: "projects", row: "p3", field: "budget_spent")]
        try Self.withSQLiteLog { sqlite in try PostgresTestServer.withDatabase { url in
            try Fixtures.withLog(url) { postgres in
                var outcomes: [Fixtures.Outcome] = []
                for push in pushes {
                    let expected = try Fixtures.outcome(sqlite, push.ops, by: push.node).get()
                    #expect(try Fixtures.outcome(postgres, push.ops, by: push.node).get() == expected)
                    outcomes.append(expected)
                }
                #expect(outcomes[1] == .refused(.invalidOp, index: 0) && outcomes[2] == .refused(.invalidOp, index: 1))
                #expect(try keys.map(postgres.counterTotal) == keys.map(sqlite.counterTotal))
                #expect(try keys.map(postgres.counterTotal) == [bound, 3, 0])
            }
            // A database from before the totals gets them filled from the log when migrated.
            try PostgresTestServer.execute(url, "DROP TABLE ps_log_counters")
            try PostgresTestServer.execute(url, "DELETE FROM ps_migrations WHERE version = 3")
            try Fixtures.withLog(url) { postgres throws in
                #expect(try keys.map(postgres.counterTotal) == [bound, 3, 0])
                #expect(try Fixtures.outcome(postgres, [inc("a", 5, 1)], by: "a").get() == .refused(.invalidOp, index: 0))
            }
        } }
    }

    @Test func reopeningKeepsTheLogAndMigratesOnce() throws {
        try PostgresTestServer.withDatabase { url in
            let first = try Fixtures.withLog(url) { log in try Fixtures.outcome(log, Fixtures.ops("a", count: 3), by: "a").get() }
            try Fixtures.withLog(url) { log throws in
                #expect(try log.head() == 3)
                #expect(try log.ops(since: 0, limit: 10).map(\.log) == [1, 2, 3])
                if case .committed(let appended, _, _) = first { #expect(try log.ops(since: 0, limit: 10) == appended) }
            }
            // A database from a newer plansyncd is refused, not written to.
            try PostgresTestServer.execute(url, "INSERT INTO ps_migrations (version) VALUES (\(PostgresMigrations.latest + 1))")
            #expect(throws: PostgresLogError.newerSchema(found: PostgresMigrations.latest + 1, known: PostgresMigrations.latest)) {
                _ = try PostgresServerLog(url: url)
            }
        }
    }
}
