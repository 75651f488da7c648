import Foundation
import Testing

/// Two laptops whose increments each stay within ±2^53 but together would not: the daemon takes
/// the first push and refuses the inc of the second (`invalid_op`), whose `sync` exits 3 naming the
/// op and how to drop it; after `outbox discard` both replicas agree, and the total never left the bound.
@Suite struct CounterBoundTests {
    @Test func theIncThatWouldLeaveTheBoundIsRefusedShownAndDroppable() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        let project = try ConflictFlowTests.twoSyncedReplicas(ws, daemon)
        let near = (Int64(1) << 53) - 100
        try ws.ok("sales", "inc", "projects", project, "budget_spent", String(near))
        try ws.ok("mkt", "inc", "projects", project, "budget_spent", "500")
        try ws.ok("mkt", "put", "projects", project, "risk_level=high")
        try ws.ok("sales", "sync")

        let refused = try ws.on("mkt", "sync")
        #expect(refused.status == 3, "\(refused.stderr)")
        #expect(refused.stderr.contains("invalid_op") && refused.stderr.contains("an inc of 500 would take projects.budget_spent"), "\(refused.stderr)")
        let advice = try #require(refused.stderr.range(of: "plansync outbox discard "), "\(refused.stderr)")
        let dot = String(refused.stderr[advice.upperBound...].prefix { $0 != "`" })
        #expect(dot.hasPrefix("mkt-laptop:"))
        // Nothing of the refused push reached the daemon: sales sees neither the inc nor the put.
        try ws.ok("sales", "sync")
        let salesRow = try #require(try ws.json("sales", "get", "projects", project, "--json") as? [String: Any])
        #expect((salesRow["fields"] as? [String: Any])?["budget_spent"] as? Int64 == near)
        #expect((salesRow["fields"] as? [String: Any])?["risk_level"] is NSNull)

        try ws.ok("mkt", "outbox", "discard", dot)
        try ws.ok("mkt", "sync")
        try ws.ok("sales", "sync")
        for replica in ["sales", "mkt"] {
            let row = try #require(try ws.json(replica, "get", "projects", project, "--json") as? [String: Any])
            #expect((row["fields"] as? [String: Any])?["budget_spent"] as? Int64 == near, "\(replica)")
            #expect((row["fields"] as? [String: Any])?["risk_level"] as? String == "high", "\(replica)")
            #expect(try ws.status(replica)["outbox"] as? Int == 0)
        }
        #expect(try ws.status("sales")["state_hash"] as? String == ws.status("mkt")["state_hash"] as? String)
        await daemon.stop()
    }
}
