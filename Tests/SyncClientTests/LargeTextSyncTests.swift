import Crypto
import Foundation
import Planning
import SyncClient
import SyncModel
import SyncStore
import Testing

/// Issue 10, part 6: ops whose texts JSON-escape to ~390 KB made every page cost time in
/// proportion to the pull's `limit`, and a fresh replica's `sync` timed out on every try.
@Suite("sync of large texts", .serialized, .timeLimit(.minutes(3)))
struct LargeTextSyncTests {
    /// 65,000 characters that escape to about 390 KB of JSON (`\u00xx`, `\"`, `\\`).
    static func largeText(_ tag: Int) -> String {
        let controls = (1...0x1F).compactMap { Unicode.Scalar($0) }.filter { !"\u{8}\t\n\u{C}\r".unicodeScalars.contains($0) }
        var scalars = String.UnicodeScalarView()
        for i in 0..<64_000 { scalars.append(controls[(i + tag) % controls.count]) }
        for i in 0..<1_000 { scalars.append(i % 2 == 0 ? "\"" : "\\") }
        return String(scalars)
    }

    @Test("a fresh replica pulls ops of ~390 KB texts in pages of about 4 MiB and converges")
    func freshReplicaConverges() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("largetext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // No recent-ops window: every page is read from the daemon's storage.
        try await withDaemon(configure: { $0.recentOpsBytes = 0 }) { daemon in
            let writer = daemon.replica("planning-laptop", department: "planning")
            let rows = 30
            for n in 0..<rows {
                try writer.create("projects", ["description": .text(Self.largeText(n)), "name": .text("p\(n)")])
            }
            let options = testOptions { $0.pullLimit = 1000 }
            _ = try await client(writer, options).sync()

            // A fresh SQLite replica, as a new laptop has.
            let identity = ReplicaIdentity(node: "new-laptop", department: "sales", server: daemon.address,
                                           token: daemon.log.addToken(department: "sales"))
            let fresh = try ReplicaStore.create(at: folder.appendingPathComponent("new.sqlite").path, identity: identity,
                                                schema: PlanningSchema.schema)
            let summary = try await SyncClient(replica: fresh, schemaVersion: PlanningSchema.version, options: options).sync()
            #expect(summary.pulled == rows * 3)
            #expect(try fresh.cursor() == daemon.log.head())

            // A second in-memory replica counts the pages: ~390 KB ops make ~10 per 4 MiB page.
            let counted = daemon.replica("counted-laptop", department: "rnd")
            _ = try await client(counted, options).sync()
            #expect(counted.appliedBatches >= 3 && counted.appliedBatches <= 6)
            #expect(counted.handedOps == rows * 3)

            let writerHash = SHA256.hash(data: Data(writer.canonicalForm().utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(try fresh.stateHash() == writerHash)
            #expect(counted.canonicalForm() == writer.canonicalForm())
        }
    }
}
