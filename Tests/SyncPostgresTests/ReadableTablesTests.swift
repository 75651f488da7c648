import Foundation
import NIOCore
import NIOPosix
import Planning
import PostgresNIO
import PostgresTestSupport
import SyncModel
@testable import SyncPostgres
import Testing

/// ``PostgresServerLog/materialize()``: the daemon's readable tables on PostgreSQL (issue 16),
/// one per collection with the shown values, kept up by whichever daemon materializes.
@Suite(.enabled(if: PostgresTestServer.enabled, Comment(rawValue: PostgresTestServer.skipReason)))
struct ReadableTablesTests {
    static func stamp(_ node: String, _ seq: UInt64) -> OpBuilder.Stamp {
        OpBuilder.Stamp(node: node, seq: seq, hlc: HLCTimestamp(raw: 1_700_000_000_000 << 16 | seq))
    }

    /// The project row as the readable table shows it: name, budget_spent, channels, _deleted.
    static func project(_ url: PostgresURL, _ id: String) throws -> (String?, Int64?, String?, Bool)? {
        let logger = Logger(label: "plansync.tests.readable")
        let connection = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(),
                                                        configuration: url.configuration(), id: 98, logger: logger).wait()
        defer { _ = try? connection.close().wait() }
        let rows = try connection.query("SELECT name, budget_spent, channels, _deleted FROM projects WHERE id = \(id)", logger: logger).wait().rows
        return try rows.first.map { try $0.decode((String?, Int64?, String?, Bool).self) }
    }

    /// Daemons started together on a fresh database create the readable tables at the same moment;
    /// `CREATE TABLE IF NOT EXISTS` alone let one of them fail on `pg_type`'s unique index.
    @Test func daemonsCreatingTheReadableTablesAtOnceBothSucceed() throws {
        for _ in 0..<4 {
            try PostgresTestServer.withDatabase { url in
                let logs = try (0..<3).map { _ in try PostgresServerLog(url: url, schema: Fixtures.schema) }
                defer { for log in logs { log.shutdown() } }
                _ = try logs[0].commit(Fixtures.ops("a", count: 1), pushedBy: "a", department: "sales", schema: Fixtures.schema,
                                       wallMilliseconds: Fixtures.wall, maxSkewMilliseconds: Fixtures.skew)
                let errors = (0..<logs.count).map { _ in Errors() }
                DispatchQueue.concurrentPerform(iterations: logs.count) { i in
                    do { try logs[i].materialize() } catch { errors[i].text = "\(error)" }
                }
                #expect(errors.allSatisfy { $0.text == nil }, "\(errors.compactMap(\.text))")
                #expect(try Self.project(url, "p1")?.0 == "x1")
            }
        }
    }

    /// One thread's error (each thread writes only its own).
    final class Errors: @unchecked Sendable { var text: String? }

    @Test func twoDaemonsKeepOneSetOfReadableTablesUpWithTheLog() throws {
        try PostgresTestServer.withDatabase { url in
            let a = try PostgresServerLog(url: url, schema: Fixtures.schema)
            let b = try PostgresServerLog(url: url, schema: Fixtures.schema)
            defer { a.shutdown(); b.shutdown() }
            func commit(_ log: PostgresServerLog, _ ops: [Op], by node: String) throws {
                _ = try log.commit(ops, pushedBy: node, department: "sales", schema: Fixtures.schema,
                                   wallMilliseconds: Fixtures.wall, maxSkewMilliseconds: Fixtures.skew)
            }
            let name = OpBuilder.set(collection: "projects", row: "p1", field: "name", value: .text("春季推广"), current: nil, stamp: Self.stamp("n1", 1))
            try commit(a, [name,
                           OpBuilder.inc(collection: "projects", row: "p1", field: "budget_spent", delta: 5, stamp: Self.stamp("n1", 2)),
                           OpBuilder.add(collection: "projects", row: "p1", field: "channels", element: "广播", stamp: Self.stamp("n1", 3))], by: "n1")
            try a.materialize()
            let first = try #require(try Self.project(url, "p1"))
            #expect(first.0 == "春季推广" && first.1 == 5 && first.2 == #"["广播"]"# && first.3 == false)

            // Daemon b, which never materialized, goes on from the stored merge state.
            var rename = OpBuilder.set(collection: "projects", row: "p1", field: "name", value: .text("夏季推广"), current: nil, stamp: Self.stamp("n2", 1))
            rename.replaces = [name.dot]
            try commit(b, [rename, OpBuilder.inc(collection: "projects", row: "p1", field: "budget_spent", delta: 7, stamp: Self.stamp("n2", 2))], by: "n2")
            try b.materialize()
            let second = try #require(try Self.project(url, "p1"))
            #expect(second.0 == "夏季推广" && second.1 == 12 && second.3 == false)

            // Daemon a's folded state is now behind the table: it reloads, and a delete shows.
            try commit(a, [OpBuilder.set(collection: "projects", row: "p1", field: Op.deletedField, value: .bool(true), current: nil,
                                         stamp: Self.stamp("n1", 4))], by: "n1")
            try a.materialize()
            let third = try #require(try Self.project(url, "p1"))
            #expect(third.3 == true && third.1 == 12)
            // Both daemons' materialized marks reached the head, and materializing again changes nothing.
            try b.materialize()
            #expect(try Self.project(url, "p1")?.3 == true)
        }
    }

    @Test func withoutASchemaNothingIsMaterialized() throws {
        try PostgresTestServer.withDatabase { url in
            try Fixtures.withLog(url) { log in
                _ = try log.commit(Fixtures.ops("n1"), pushedBy: "n1", department: "sales", schema: Fixtures.schema,
                                   wallMilliseconds: Fixtures.wall, maxSkewMilliseconds: Fixtures.skew)
                try log.materialize()
                #expect(throws: (any Error).self) { _ = try Self.project(url, "p1") }   // no table was made
            }
        }
    }
}
