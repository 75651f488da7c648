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

    /// After a restore of the daemon, re-sent incs arrive in a new order and one may not fit until
    /// the others are back. It must not be dropped: other laptops hold it, and the edit after it
    /// would take over its dot (a tester's run ended with two laptops DIFFERENT from the daemon).
    @Test func aReSentIncTheBoundRefusesCannotBeDiscardedAndGoesThroughOnceTheOthersSynced() async throws {
        let ws = try Workspace()
        var daemon = try await TestDaemon(in: ws.folder)
        for (name, department) in [("plan", "planning"), ("fin", "finance"), ("sales", "sales")] {
            try ws.ok(name, "init", "--node", "\(name)-laptop", "--department", department, "--server", daemon.address,
                      "--token", try daemon.token(for: department))
        }
        let bound = Int64(1) << 53
        let project = try ws.ok("plan", "put", "projects", "name=Q")
        try ws.ok("plan", "inc", "projects", project, "budget_spent", String(bound - 1_000))
        for name in ["plan", "fin", "sales"] { try ws.ok(name, "sync") }
        try TestDaemon.backUp(in: ws.folder)
        for (name, delta) in [("fin", "600"), ("sales", "-500"), ("plan", "700")] {
            try ws.ok(name, "inc", "projects", project, "budget_spent", delta)
            try ws.ok(name, "sync")
        }
        for name in ["fin", "sales"] { try ws.ok(name, "sync") }

        daemon = try await daemon.restored(in: ws.folder)
        let server = daemon.address
        // +700 again (2^53 - 300); exit 3 until the others are back (daemon lost history).
        #expect(try ws.on("plan", "sync", "--server", server).status == 3)
        try ws.ok("fin", "put", "projects", project, "description=new")
        let refused = try ws.on("fin", "sync", "--server", server)     // +600 does not fit until -500 is back
        #expect(refused.status == 3 && refused.stderr.contains("beyond ±2^53"), "\(refused.stderr)")
        let discard = try ws.on("fin", "outbox", "discard", "fin-laptop:1")
        #expect(discard.status == 1 && discard.stderr.contains("was acknowledged by the daemon before"), "\(discard.stderr)")
        #expect(try ws.status("fin")["outbox"] as? Int == 2)

        _ = try ws.on("sales", "sync", "--server", server)           // -500 again (exit 3 until fin's +600 is back)
        for name in ["fin", "plan", "sales", "fin"] { try ws.ok(name, "sync", "--server", server) }
        for name in ["plan", "fin", "sales"] {
            let row = try #require(try ws.json(name, "get", "projects", project, "--json") as? [String: Any])
            #expect((row["fields"] as? [String: Any])?["budget_spent"] as? Int64 == bound - 200, "\(name)")
            #expect((row["fields"] as? [String: Any])?["description"] as? String == "new", "\(name)")
        }
        #expect(Set(try ["plan", "fin", "sales"].map { try ws.status($0)["state_hash"] as? String ?? "?" }).count == 1)
        await daemon.stop()
    }
}
