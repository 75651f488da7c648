import Foundation
import Testing

/// Issue 14 through the binaries: `plansyncd compact`, run as its own process beside a serving
/// daemon, makes a new laptop bootstrap from snapshot pages, and a laptop away across the
/// compaction keeps its offline edits.
@Suite struct CompactionEndToEndTests {
    @Test func aCompactionByAnotherProcessMakesANewLaptopBootstrapFromTheSnapshot() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        defer { Task { await daemon.stop() } }
        let token = try daemon.token(for: "planning")
        for name in ["a", "away"] {
            try ws.ok(name, "init", "--node", "n-\(name)", "--department", "planning", "--server", daemon.address, "--token", token)
        }
        var rows: [String] = []
        for i in 0..<6 { rows.append(try ws.ok("a", "put", "projects", "name=项目 \(i)", "status=planning")) }
        for row in rows { try ws.ok("a", "put", "projects", row, "status=active") }
        try ws.ok("a", "sync")
        try ws.ok("away", "sync")
        // Offline across the compaction: an edit naming a value that will be folded away.
        try ws.ok("away", "put", "projects", rows[0], "status=on_hold")
        for row in rows { try ws.ok("a", "inc", "projects", row, "budget_spent", "100") }
        try ws.ok("a", "sync")
        let head = try #require(try ws.status("a")["cursor"] as? Int)

        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        let compact = try plansyncd.run(["compact", "--data", "server.sqlite", "--before", "\(head - 2)"], in: ws.folder)
        #expect(compact.status == 0, "\(compact.stderr)")
        #expect(compact.output.hasPrefix("horizon \(head - 3) (was 0): folded \(head - 3) ops"), "\(compact.output)")
        #expect(try daemon.log.horizon() == UInt64(head - 3))

        // The in-process daemon kept the newest ops in memory back to position 1; the new laptop's
        // hello reads the horizon the other process wrote, so it is sent to the snapshot.
        try ws.ok("new", "init", "--node", "n-new", "--department", "planning", "--server", daemon.address, "--token", token)
        let sync = try ws.on("new", "sync")
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.output.contains("bootstrapped from the daemon's snapshot at log position \(head - 3) (6 rows)"), "\(sync.output)")
        let away = try ws.on("away", "sync")
        #expect(away.status == 0, "\(away.stderr)")
        #expect(away.output.contains("bootstrapped from the daemon's snapshot"), "\(away.output)")
        for name in ["a", "new"] { try ws.ok(name, "sync") }
        let hashes = Set(try ["a", "new", "away"].map { try ws.status($0)["state_hash"] as? String ?? "?" })
        #expect(hashes.count == 1)
        let row = try ws.json("new", "get", "projects", rows[0], "--json") as? [String: Any]
        #expect((row?["fields"] as? [String: Any])?["status"] as? String == "on_hold", "\(String(describing: row))")
        #expect(try ws.status("away")["outbox"] as? Int == 0)
    }

    /// A laptop set up again under its old node id, after a compaction folded the old laptop's
    /// ops: its new ops reuse those dots, which the daemon can no longer compare. They were counted
    /// as duplicates and dropped unseen (a tester's run lost a whole new project); the push now
    /// says it never sent them (`sent_through`), so the daemon refuses them, and `rekey` saves them.
    @Test func aLaptopSetUpAgainUnderItsOldNodeIDAfterACompactionLosesNothing() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        defer { Task { await daemon.stop() } }
        let token = try daemon.token(for: "planning")
        for (name, node) in [("old", "planning-laptop"), ("other", "other-laptop")] {
            try ws.ok(name, "init", "--node", node, "--department", "planning", "--server", daemon.address, "--token", token)
        }
        let old = try ws.ok("old", "put", "projects", "name=old-project", "status=active")
        for _ in 0..<4 { try ws.ok("old", "inc", "projects", old, "budget_spent", "1") }
        try ws.ok("old", "sync")
        try ws.ok("other", "put", "projects", "name=filler")
        try ws.ok("other", "sync")
        let head = try #require(try ws.status("other")["cursor"] as? Int)
        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        let compact = try plansyncd.run(["compact", "--data", "server.sqlite", "--before", "\(head + 1)"], in: ws.folder)
        #expect(compact.status == 0, "\(compact.stderr)")

        try ws.ok("new", "init", "--node", "planning-laptop", "--department", "planning", "--server", daemon.address, "--token", token)
        let plan = try ws.ok("new", "put", "projects", "name=IMPORTANT-NEW-PLAN", "status=planning")
        try ws.ok("new", "inc", "projects", plan, "budget_spent", "777")
        let refused = try ws.on("new", "sync")
        #expect(refused.status == 3 && refused.stderr.contains("duplicate_dot") && refused.stderr.contains("plansync rekey"), "\(refused.stderr)")
        // A retry instead of the rekey: the refused push must not count as sent (a tester's run).
        let again = try ws.on("new", "sync")
        #expect(again.status == 3 && again.stderr.contains("duplicate_dot"), "\(again.stderr)")
        #expect(try ws.status("new")["outbox"] as? Int == 4)
        try ws.ok("new", "rekey", "--node", "planning-laptop-2")
        try ws.ok("new", "sync")
        try ws.ok("other", "sync")
        for name in ["new", "other"] {
            let row = try #require(try ws.json(name, "get", "projects", plan, "--json") as? [String: Any], "\(name)")
            #expect((row["fields"] as? [String: Any])?["budget_spent"] as? Int64 == 777, "\(name)")
        }
        #expect(try ws.status("new")["state_hash"] as? String == ws.status("other")["state_hash"] as? String)
    }
}
