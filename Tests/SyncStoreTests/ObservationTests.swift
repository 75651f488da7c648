import Foundation
import GRDB
@testable import SyncStore
import SyncModel
import Testing

/// An app embedding the store observes its readable tables with GRDB's `ValueObservation` and
/// sees each change when it commits, although the store writes through SQLite's C API.
@Suite struct ObservationTests {
    /// Runs `change` once the observation delivered its first value; returns the values seen
    /// until `done` holds, or throws ``Unseen`` after 60 s (a bound for a loaded machine).
    static func observe(_ store: ReplicaStore, sql: String, after change: @escaping @Sendable () throws -> Void,
                        until done: @escaping @Sendable ([String]) -> Bool) async throws -> [[String]] {
        let observation = ValueObservation.tracking { db in try String.fetchAll(db, sql: sql) }
        let reader = store.reader
        return try await withThrowingTaskGroup(of: [[String]].self) { group in
            group.addTask {
                var seen: [[String]] = []
                for try await value in observation.values(in: reader) {
                    seen.append(value)
                    if seen.count == 1 { try change() }
                    if done(value) { break }
                }
                return seen
            }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                throw Unseen()
            }
            defer { group.cancelAll() }
            return try await group.next() ?? []
        }
    }

    struct Unseen: Error, CustomStringConvertible {
        var description: String { "the observation saw no change within 60 s" }
    }

    @Test func remoteBatchesAndLocalWritesReachAnObservation() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let writer = try ReplicaStore.create(at: dir.path("w.sqlite"), identity: ReplicaIdentity(node: "writer", department: "planning"),
                                             schema: TestSchema.schema)
        let app = try ReplicaStore.salesLaptop(in: dir)
        _ = try writer.create("projects", fields: ["name": .text("春季推广")])
        let ops = try writer.outbox(limit: 100)
        let remote = try await Self.observe(app, sql: "SELECT name FROM projects ORDER BY name", after: {
            try app.applyRemote(ops, cursor: UInt64(ops.count))
        }, until: { $0 == ["春季推广"] })
        #expect(remote.first == [] && remote.last == ["春季推广"], "a pulled batch is seen: \(remote)")

        let local = try await Self.observe(app, sql: "SELECT name FROM projects ORDER BY name", after: {
            _ = try app.create("projects", fields: ["name": .text("秋季")])
        }, until: { $0.count == 2 })
        #expect(local.last == ["春季推广", "秋季"], "a local write is seen: \(local)")
    }

    /// Changes are named to GRDB only once something observes the store (``ObservationFlag``),
    /// and from then on, for every later store transaction.
    @Test func changesAreNamedOnlyOnceAnObservationStarted() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let app = try ReplicaStore.salesLaptop(in: dir)
        _ = try app.create("projects", fields: ["name": .text("a")])
        _ = app.reader
        #expect(!app.observation.isObserved, "handing out the reader is not observing it")
        let seen = try await Self.observe(app, sql: "SELECT name FROM projects ORDER BY name", after: {
            _ = try app.create("projects", fields: ["name": .text("b")])
        }, until: { $0.count == 2 })
        #expect(app.observation.isObserved)
        #expect(seen.first == ["a"] && seen.last == ["a", "b"], "\(seen)")
    }

    @Test func theReaderRefusesWrites() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let app = try ReplicaStore.salesLaptop(in: dir)
        #expect(!(app.reader is any DatabaseWriter) || (try? app.reader.read { db in try db.execute(sql: "DELETE FROM projects") }) == nil)
    }
}
