import Dispatch
import Foundation
import NIOConcurrencyHelpers
import SyncModel
@testable import SyncPostgres
import PostgresTestSupport
import Testing

/// Two `PostgresServerLog`s on one database, as two daemons: one total order of positions
/// without gaps, exact admission when one node pushes to both at once, and the LISTEN wake-up.
@Suite(.serialized, .enabled(if: PostgresTestServer.enabled, Comment(rawValue: PostgresTestServer.skipReason)))
struct TwoDaemonsTests {
    /// Runs `first` and `second` at the same time on two threads (never on a cooperative one).
    static func together<A: Sendable, B: Sendable>(_ first: @escaping @Sendable () -> A, _ second: @escaping @Sendable () -> B) -> (A, B) {
        let results = NIOLockedValueBox<(A?, B?)>((nil, nil))
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        DispatchQueue.global().async(group: group) { start.wait(); let a = first(); results.withLockedValue { $0.0 = a } }
        DispatchQueue.global().async(group: group) { start.wait(); let b = second(); results.withLockedValue { $0.1 = b } }
        start.signal()
        start.signal()
        group.wait()
        let (a, b) = results.withLockedValue { $0 }
        return (a!, b!)
    }

    @Test func oneNodePushingToBothAtOnceIsNeverGappedNorDoubled() throws {
        try PostgresTestServer.withDatabase { url in
            let a = try PostgresServerLog(url: url)
            let b = try PostgresServerLog(url: url)
            defer { a.shutdown(); b.shutdown() }
            var next: UInt64 = 1
            var appendedTotal = 0, duplicatesTotal = 0
            for round in 0..<40 {
                // A pushes four new ops, B the first two of them (or, every other round, the same four).
                let full = Fixtures.ops("n", from: next, count: 4, text: "r\(round)-")
                let part = round % 2 == 0 ? Array(full.prefix(2)) : full
                let (ra, rb) = TwoDaemonsTests.together({ Fixtures.outcome(a, full, by: "n") }, { Fixtures.outcome(b, part, by: "n") })
                for outcome in [try ra.get(), try rb.get()] {
                    guard case .committed(let appended, let duplicates, _) = outcome else {
                        Issue.record("round \(round): refused \(outcome)")
                        continue
                    }
                    appendedTotal += appended.count
                    duplicatesTotal += duplicates
                }
                next += 4
                #expect(appendedTotal == Int(next - 1), "round \(round)")
            }
            #expect(duplicatesTotal == 20 * 2 + 20 * 4)
            let log = try a.ops(since: 0, limit: 1_000)
            #expect(log.map(\.log) == (1...UInt64(160)).map { $0 })
            #expect(log.map(\.seq) == (1...UInt64(160)).map { $0 })
            #expect(try a.head() == 160 && b.head() == 160)
        }
    }

    @Test func twoNodesOnTwoDaemonsShareOneGaplessOrder() throws {
        try PostgresTestServer.withDatabase { url in
            let a = try PostgresServerLog(url: url)
            let b = try PostgresServerLog(url: url)
            defer { a.shutdown(); b.shutdown() }
            @Sendable func pushes(_ log: PostgresServerLog, _ node: String, _ department: String) -> Result<[Fixtures.Outcome], any Error> {
                Result {
                    try (0..<30).map { (i: Int) throws -> Fixtures.Outcome in
                        try Fixtures.outcome(log, Fixtures.ops(node, from: UInt64(i * 2 + 1)), by: node, department: department).get()
                    }
                }
            }
            let (ra, rb) = TwoDaemonsTests.together({ pushes(a, "x", "sales") }, { pushes(b, "y", "finance") })
            let committed = try ra.get() + rb.get()
            #expect(committed.count == 60)
            #expect(committed.allSatisfy { if case .committed(let appended, 0, _) = $0 { appended.count == 2 } else { false } })
            let log = try b.ops(since: 0, limit: 1_000)
            #expect(log.map(\.log) == (1...UInt64(120)).map { $0 })
            // Each node's ops keep their order within the total one.
            #expect(log.filter { $0.node == "x" }.map(\.seq) == (1...UInt64(60)).map { $0 })
            #expect(log.filter { $0.node == "y" }.map(\.seq) == (1...UInt64(60)).map { $0 })
            #expect(log.allSatisfy { $0.department == ($0.node == "x" ? "sales" : "finance") })
        }
    }

    @Test func aCommitOnOneWakesTheWatcherOfTheOther() async throws {
        try await PostgresTestServer.withDatabase { url in
            let a = try PostgresServerLog(url: url)
            let b = try PostgresServerLog(url: url)
            defer { a.shutdown(); b.shutdown() }
            let wakes = NIOLockedValueBox(0)
            let watch = try a.watchCommits { wakes.withLockedValue { $0 += 1 } }
            defer { watch.cancel() }
            #expect(wakes.withLockedValue { $0 } == 0)
            _ = try Fixtures.outcome(b, Fixtures.ops("n"), by: "n").get()
            #expect(await TwoDaemonsTests.eventually { wakes.withLockedValue { $0 } >= 1 })
            // Each commit wakes again; the watcher then reads the ops from the log.
            let before = wakes.withLockedValue { $0 }
            _ = try Fixtures.outcome(b, Fixtures.ops("n", from: 3), by: "n").get()
            #expect(await TwoDaemonsTests.eventually { wakes.withLockedValue { $0 } > before })
            #expect(try a.ops(since: 2, limit: 10).map(\.seq) == [3, 4])

            // The LISTEN connection is cut: the watch reconnects, wakes once for what it may have
            // missed, and wakes again on the next commit.
            let beforeCut = wakes.withLockedValue { $0 }
            try PostgresTestServer.execute(url, """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                """)
            #expect(await TwoDaemonsTests.eventually { wakes.withLockedValue { $0 } > beforeCut })
            let afterReconnect = wakes.withLockedValue { $0 }
            _ = try Fixtures.outcome(b, Fixtures.ops("n", from: 5), by: "n").get()
            #expect(await TwoDaemonsTests.eventually { wakes.withLockedValue { $0 } > afterReconnect })

            // After cancel, no more calls.
            watch.cancel()
            let cancelled = wakes.withLockedValue { $0 }
            _ = try Fixtures.outcome(b, Fixtures.ops("n", from: 7), by: "n").get()
            try await Task.sleep(for: .milliseconds(300))
            #expect(wakes.withLockedValue { $0 } == cancelled)
        }
    }

    /// Polls `condition` every 20 ms for up to 10 s (a bound for a loaded machine, not a speed claim).
    static func eventually(_ condition: @Sendable () -> Bool) async -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}
