import Foundation
import Planning
import SyncClient
import SyncModel
import SyncStore
import Testing

/// A pull tells the replica how many ops surely follow each page (`applyRemote(_:cursor:following:)`),
/// so that a new laptop's store records only the ops that stay in its record; only a new replica
/// (nothing applied, no op made) is told, since only then is every position up to the head an op
/// it applies.
@Suite struct CatchUpHintTests {
    @Test func onlyANewReplicasPullTellsHowManyOpsFollowEachPage() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("syncclient-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withDaemon { daemon in
            func store(_ node: String, _ department: String) throws -> ReplicaStore { try daemon.store(node, department, in: folder) }
            var options = testOptions()
            options.pullLimit = 10
            func sync(_ replica: HookedReplica) async throws {
                _ = try await SyncClient(replica: replica, schemaVersion: PlanningSchema.version, options: options).sync()
            }
            let writer = daemon.replica("planning-laptop", department: "planning")
            for i in 0..<25 { _ = try writer.create("projects", ["name": .text("p\(i)")]) }
            _ = try await client(writer).sync()
            #expect(daemon.log.head() == 50)

            let fresh = HookedReplica(try store("sales-laptop", "sales"))
            try await sync(fresh)
            #expect(fresh.hints == [10: 40, 20: 30, 30: 20, 40: 10, 50: 0])

            // Its next pull starts from a cursor: nothing is promised.
            for i in 0..<5 { _ = try writer.create("tasks", ["title": .text("t\(i)")]) }
            _ = try await client(writer).sync()
            let again = HookedReplica(fresh.base)
            try await sync(again)
            #expect(again.hints == [60: 0])

            // A replica that made an op gets its own ops back in the pull, skipped: no hint, even
            // when its push was refused or cut short and it reaches the pull with an empty push.
            let own = try store("mkt-laptop", "marketing")
            _ = try own.create("projects", fields: ["name": .text("own")])
            let hooked = HookedReplica(own)
            try await sync(hooked)
            #expect(hooked.hints.count == 7 && hooked.hints.values.allSatisfy { $0 == 0 }, "\(hooked.hints)")
        }
    }
}
