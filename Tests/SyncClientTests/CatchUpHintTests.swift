import Planning
import SyncClient
import SyncModel
import Testing

/// A pull tells the replica how many ops surely follow each page (`applyRemote(_:cursor:following:)`),
/// so that a new laptop's store records only the ops that stay in its record; only when every
/// position up to the head is an op the replica applies.
@Suite struct CatchUpHintTests {
    @Test func aNewReplicasPullTellsHowManyOpsFollowEachPageAndAReplicaWithOwnOpsIsToldNothing() async throws {
        try await withDaemon { daemon in
            let writer = daemon.replica("planning-laptop", department: "planning")
            for i in 0..<25 { _ = try writer.create("projects", ["name": .text("p\(i)")]) }
            _ = try await client(writer).sync()
            let head = daemon.log.head()
            #expect(head == 50)
            var options = testOptions()
            options.pullLimit = 10

            let fresh = HookedReplica(daemon.replica("sales-laptop", department: "sales"))
            _ = try await SyncClient(replica: fresh, schemaVersion: PlanningSchema.version, options: options).sync()
            #expect(fresh.hints == [10: 40, 20: 30, 30: 20, 40: 10, 50: 0])

            // Its own ops come back in the pull and are skipped: the positions overstate what follows.
            let base = daemon.replica("mkt-laptop", department: "marketing")
            _ = try base.create("projects", ["name": .text("own")])
            let own = HookedReplica(base)
            _ = try await SyncClient(replica: own, schemaVersion: PlanningSchema.version, options: options).sync()
            #expect(own.hints.count == 6 && own.hints.values.allSatisfy { $0 == 0 }, "\(own.hints)")
        }
    }
}
