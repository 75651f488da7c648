import Crypto
import Foundation
import Planning
import SyncClient
import SyncModel
import SyncStore
import Testing

@Suite("with the SQLite replica", .timeLimit(.minutes(1)))
struct StoreInteropTests {
    @Test("two SQLite replicas and an in-memory one converge to the same state hash")
    func sqliteAndMemoryConverge() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("syncclient-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withDaemon { daemon in
            func store(_ node: String, _ department: String) throws -> ReplicaStore { try daemon.store(node, department, in: folder) }
            let planning = try store("planning-laptop", "planning")
            let marketing = try store("marketing-laptop", "marketing")
            let sales = daemon.replica("sales-laptop", department: "sales")

            let project = try planning.create("projects", fields: ["name": .text("春季推广"), "status": .text("planning")])
            _ = try await SyncClient(replica: planning, schemaVersion: PlanningSchema.version, options: testOptions()).sync()
            _ = try await SyncClient(replica: marketing, schemaVersion: PlanningSchema.version, options: testOptions()).sync()
            _ = try await client(sales).sync()

            try planning.update("projects", id: project, fields: ["status": .text("active")])
            try marketing.update("projects", id: project, fields: ["status": .text("on_hold")])
            try marketing.add("projects", id: project, field: "channels", element: "户外广告")
            try sales.inc("projects", project, "budget_spent", by: 1_200)

            for _ in 0..<2 {
                _ = try await SyncClient(replica: planning, schemaVersion: PlanningSchema.version, options: testOptions()).sync()
                _ = try await SyncClient(replica: marketing, schemaVersion: PlanningSchema.version, options: testOptions()).sync()
                _ = try await client(sales).sync()
            }
            let memoryHash = SHA256.hash(data: Data(sales.canonicalForm().utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(try planning.stateHash() == marketing.stateHash())
            #expect(try planning.stateHash() == memoryHash)
            #expect(try planning.outboxCount() == 0 && marketing.outboxCount() == 0)
            #expect(try planning.openConflicts().count == 1)
        }
    }
}
