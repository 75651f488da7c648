import Foundation
import Testing

/// Issue 10, parts 5 and 8: a daemon restored from a backup, and a copied replica whose copy
/// synced first. Every replica ends with the same state hash, and nothing anyone wrote is lost.
@Suite struct RecoveryTests {
    func hashes(_ ws: Workspace, _ replicas: [String]) throws -> Set<String> {
        Set(try replicas.map { try ws.status($0)["state_hash"] as? String ?? "?" })
    }

    @Test func aDaemonRestoredFromABackupGetsBackEveryOpAndNoLaptopReportsSuccessMeanwhile() async throws {
        let ws = try Workspace()
        var daemon = try await TestDaemon(in: ws.folder)
        for (name, department) in [("a", "planning"), ("b", "sales"), ("c", "marketing")] {
            try ws.ok(name, "init", "--node", "\(name)-laptop", "--department", department, "--server", daemon.address,
                      "--token", try daemon.token(for: department))
        }
        let project = try ws.ok("a", "put", "projects", "name=春季推广")
        for name in ["a", "b", "c"] { try ws.ok(name, "sync") }
        try TestDaemon.backUp(in: ws.folder)

        // After the backup: b pushes; c pushes and pulls b's op.
        try ws.ok("b", "inc", "projects", project, "budget_spent", "1200")
        try ws.ok("b", "sync")
        try ws.ok("c", "put", "projects", project, "status=active")
        try ws.ok("c", "add", "projects", project, "channels", "户外广告")
        try ws.ok("c", "sync")

        // The daemon is restored from the backup; a writes on, so the log grows past b's and c's cursors.
        daemon = try await daemon.restored(in: ws.folder)
        let server = daemon.address
        for i in 0..<4 { try ws.ok("a", "put", "tasks", "title=任务 \(i)", "project=\(project)") }
        try ws.ok("a", "sync", "--server", server)

        // c sends its own lost ops again, but holds b's, which the daemon lacks: not a success.
        let c = try ws.on("c", "sync", "--server", server)
        #expect(c.status == 3, "\(c.stdout) \(c.stderr)")
        #expect(c.stderr.contains("daemon lost history") && c.stderr.contains("b-laptop"), "\(c.stderr)")
        #expect(c.stderr.contains("had lost 2 ops"), "\(c.stderr)")
        // b sends its own again; then it holds nothing the daemon lacks.
        let b = try ws.on("b", "sync", "--server", server)
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.output.contains("1 the daemon had lost, sent again"), "\(b.output)")
        for name in ["c", "a", "b"] { try ws.ok(name, "sync", "--server", server) }
        #expect(try hashes(ws, ["a", "b", "c"]).count == 1)

        let row = try #require(try ws.json("a", "get", "projects", project, "--json") as? [String: Any])
        let fields = try #require(row["fields"] as? [String: Any])
        #expect(fields["status"] as? String == "active")
        #expect(fields["budget_spent"] as? Int == 1200)
        #expect(fields["channels"] as? [String] == ["户外广告"])

        // No seq_gap ever after: c's next edit goes through.
        try ws.ok("c", "put", "projects", project, "risk_level=low")
        let next = try ws.on("c", "sync", "--server", server)
        #expect(next.status == 0 && !next.stderr.contains("seq_gap"), "\(next.stderr)")
        try ws.ok("a", "sync", "--server", server)
        #expect(try hashes(ws, ["a", "c"]).count == 1)
        await daemon.stop()
    }

    /// A daemon restored from a backup whose log grew back past fin's cursor: fin read plan's
    /// edit at position 5 before the restore; position 5 now holds a new edit of sales (`end`).
    /// Returns the workspace, the restored daemon and the project's id.
    func logGrownBackPastFinsCursor() async throws -> (Workspace, TestDaemon, String) {
        let ws = try Workspace()
        var daemon = try await TestDaemon(in: ws.folder)
        for (name, department) in [("plan", "planning"), ("fin", "finance"), ("sales", "sales")] {
            try ws.ok(name, "init", "--node", "\(name)-laptop", "--department", department, "--server", daemon.address,
                      "--token", try daemon.token(for: department))
        }
        let project = try ws.ok("plan", "put", "projects", "name=P1", "status=planning")
        for name in ["plan", "fin", "sales"] { try ws.ok(name, "sync") }
        try TestDaemon.backUp(in: ws.folder)
        try ws.ok("sales", "put", "projects", project, "risk_level=high")
        try ws.ok("sales", "sync")
        try ws.ok("plan", "put", "projects", project, "description=before")
        try ws.ok("plan", "sync")
        try ws.ok("fin", "sync")                                      // fin's cursor: 5

        daemon = try await daemon.restored(in: ws.folder)
        try ws.ok("sales", "put", "projects", project, "end=2027-05-01")
        try ws.ok("sales", "sync", "--server", daemon.address)        // its lost op again, then the new one: head 5
        return (ws, daemon, project)
    }

    /// A laptop whose cursor the restored log grew back past before it synced: its cursor cannot
    /// tell, but the op at its mark's position has another dot now (a tester's run: "received 0",
    /// exit 0, and `status --verify` DIFFERENT for good).
    @Test func aRestoredLogThatGrewBackPastTheCursorIsNoticedByTheOpAtTheMark() async throws {
        let (ws, daemon, project) = try await logGrownBackPastFinsCursor()
        let server = daemon.address
        // fin's cursor is the head, but position 5 holds sales' edit now, not plan's: read it all again.
        let fin = try ws.on("fin", "sync", "--server", server)
        #expect(fin.status == 3 && fin.stderr.contains("daemon lost history") && fin.stderr.contains("plan-laptop"), "\(fin.stderr)")
        try ws.ok("plan", "sync", "--server", server)
        for name in ["fin", "sales", "plan"] { try ws.ok(name, "sync", "--server", server) }
        for name in ["plan", "fin", "sales"] {
            let row = try #require(try ws.json(name, "get", "projects", project, "--json") as? [String: Any])
            let fields = try #require(row["fields"] as? [String: Any])
            #expect(fields["end"] as? String == "2027-05-01" && fields["description"] as? String == "before", "\(name)")
        }
        #expect(try hashes(ws, ["plan", "fin", "sales"]).count == 1)
        await daemon.stop()
    }

    /// The same check before `sync --watch` subscribes: a watch from fin's cursor would start
    /// after position 5 and never receive sales' edit there.
    @Test func watchChecksTheOpAtTheMarkBeforeItSubscribes() async throws {
        let (ws, daemon, project) = try await logGrownBackPastFinsCursor()
        let watch = try ws.binary.start(["--replica", "fin.sqlite", "sync", "--watch", "--server", daemon.address], in: ws.folder)
        let received = watch.wait(upTo: 20) { _ in
            let row = try? ws.json("fin", "get", "projects", project, "--json") as? [String: Any]
            return (row?["fields"] as? [String: Any])?["end"] as? String == "2027-05-01"
        }
        watch.interrupt()
        let result = try watch.finish()
        #expect(received, "fin's watch never applied the edit at its old cursor: \(result.stdout) \(result.stderr)")
        await daemon.stop()
    }

    @Test func aDaemonLogShorterThanTheCursorIsReportedAndTheReplicaCatchesUp() async throws {
        let ws = try Workspace()
        var daemon = try await TestDaemon(in: ws.folder)
        try ws.ok("a", "init", "--node", "a-laptop", "--department", "planning", "--server", daemon.address, "--token", try daemon.token(for: "planning"))
        try ws.ok("b", "init", "--node", "b-laptop", "--department", "sales", "--server", daemon.address, "--token", try daemon.token(for: "sales"))
        try ws.ok("a", "put", "departments", "name=策划部")
        try ws.ok("a", "sync")
        try TestDaemon.backUp(in: ws.folder)
        try ws.ok("a", "put", "departments", "name=市场部")
        try ws.ok("a", "sync")
        try ws.ok("b", "sync")
        daemon = try await daemon.restored(in: ws.folder)

        // b applied a's ops the daemon lost: its cursor is past the head. It says so, exit 3.
        let b = try ws.on("b", "sync", "--server", daemon.address)
        #expect(b.status == 3, "\(b.stderr)")
        #expect(b.stderr.contains("below this replica's") && b.stderr.contains("a-laptop"), "\(b.stderr)")
        // a sends its lost ops again; then both agree with the daemon.
        try ws.ok("a", "sync", "--server", daemon.address)
        try ws.ok("b", "sync", "--server", daemon.address)
        #expect(try hashes(ws, ["a", "b"]).count == 1)
        await daemon.stop()
    }

    @Test func aCopiedReplicaRefusedWithDuplicateDotMovesItsUnsentEditsToANewNodeID() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        try ws.ok("a", "init", "--node", "a-laptop", "--department", "sales", "--server", daemon.address, "--token", try daemon.token(for: "sales"))
        try ws.ok("b", "init", "--node", "b-laptop", "--department", "planning", "--server", daemon.address, "--token", try daemon.token(for: "planning"))
        let project = try ws.ok("a", "put", "projects", "name=春季推广")
        try ws.ok("a", "sync")
        try FileManager.default.copyItem(at: ws.folder.appendingPathComponent("a.sqlite"), to: ws.folder.appendingPathComponent("copy.sqlite"))

        try ws.ok("copy", "put", "projects", project, "status=active")
        try ws.ok("copy", "add", "projects", project, "channels", "社交媒体")
        try ws.ok("a", "put", "projects", project, "status=on_hold")
        let partner = try ws.ok("a", "put", "partners", "name=星河广告")
        try ws.ok("a", "inc", "projects", project, "budget_spent", "500")
        try ws.ok("a", "add", "projects", project, "channels", "户外广告")
        try ws.ok("copy", "sync")

        let refused = try ws.on("a", "sync")
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("duplicate_dot") && refused.stderr.contains("plansync rekey --node"), "\(refused.stderr)")

        // Bad input changes nothing.
        let bad = try ws.on("a", "rekey", "--node", "a:laptop")
        #expect(bad.status == 1 && bad.errorLines.count == 1, "\(bad.stderr)")
        let same = try ws.on("a", "rekey", "--node", "a-laptop")
        #expect(same.status == 1, "\(same.stderr)")
        #expect(try ws.status("a")["outbox"] as? Int == 5)

        let moved = try ws.ok("a", "rekey", "--node", "a-laptop-2")
        #expect(moved.contains("5 unsent ops moved"), "\(moved)")
        #expect(try ws.status("a")["node"] as? String == "a-laptop-2")
        for name in ["a", "b", "copy", "a"] { try ws.ok(name, "sync") }
        #expect(try hashes(ws, ["a", "b", "copy"]).count == 1)

        let row = try #require(try ws.json("b", "get", "projects", project, "--json") as? [String: Any])
        let fields = try #require(row["fields"] as? [String: Any])
        #expect(fields["budget_spent"] as? Int == 500)
        #expect(fields["channels"] as? [String] == ["户外广告", "社交媒体"])
        #expect(try ws.ok("b", "get", "partners", partner).contains("星河广告"))
        // Both status values survive, as a conflict every replica shows.
        #expect(try ws.status("b")["open_conflicts"] as? Int == 1)
        await daemon.stop()
    }

    /// The copy was made with unsent ops in it: both files hold them, identical, and the copy
    /// pushed them first. Moving those to the new node id would apply them twice.
    /// `rekey` and `outbox discard` renumber the outbox: while a sync of the same file runs, a
    /// push of those ops may be on the wire, and landing under the old dots as well it counted the
    /// edits twice everywhere (a tester's run: an `inc 5` became 10). They wait for the sync.
    @Test func rekeyAndDiscardRefuseWhileASyncOfTheFileRuns() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        try ws.ok("a", "init", "--node", "a-laptop", "--department", "planning", "--server", daemon.address, "--token", try daemon.token(for: "planning"))
        let project = try ws.ok("a", "put", "projects", "name=P")
        let watch = try ws.binary.start(["--replica", "a.sqlite", "sync", "--watch"], in: ws.folder)
        let started = watch.wait(upTo: 20) { $0.stdoutSoFar.contains("watching for changes") }
        #expect(started)
        try ws.ok("a", "inc", "projects", project, "budget_spent", "5")
        for arguments in [["rekey", "--node", "a-laptop-2"], ["outbox", "discard", "a-laptop:4"]] {
            let refused = try ws.binary.run(["--replica", "a.sqlite"] + arguments, in: ws.folder)
            #expect(refused.status == 1 && refused.stderr.contains("a sync of this replica is running"), "\(arguments): \(refused.stderr)")
        }
        #expect(try ws.status("a")["node"] as? String == "a-laptop")
        watch.interrupt()
        _ = try watch.finish()
        try ws.ok("a", "rekey", "--node", "a-laptop-2")     // nothing unsent is left to move
        try ws.ok("a", "sync")
        let row = try #require(try ws.json("a", "get", "projects", project, "--json") as? [String: Any])
        #expect((row["fields"] as? [String: Any])?["budget_spent"] as? Int64 == 5)
        await daemon.stop()
    }

    @Test func rekeyMovesOnlyTheOpsTheDaemonDoesNotHold() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        try ws.ok("a", "init", "--node", "a-laptop", "--department", "sales", "--server", daemon.address, "--token", try daemon.token(for: "sales"))
        let project = try ws.ok("a", "put", "projects", "name=春季推广")
        try ws.ok("a", "sync")
        try ws.ok("a", "inc", "projects", project, "budget_spent", "1000")
        try ws.ok("a", "add", "projects", project, "channels", "shared")
        try FileManager.default.copyItem(at: ws.folder.appendingPathComponent("a.sqlite"), to: ws.folder.appendingPathComponent("copy.sqlite"))
        try ws.ok("copy", "put", "projects", project, "status=active")
        try ws.ok("copy", "sync")
        try ws.ok("a", "put", "projects", project, "risk_level=high")
        #expect(try ws.on("a", "sync").status == 3)
        let moved = try ws.ok("a", "rekey", "--node", "a-laptop-2")
        #expect(moved.contains("1 unsent op moved"), "only the op after the shared ones: \(moved)")
        for name in ["a", "copy", "a", "copy"] { try ws.ok(name, "sync") }
        #expect(try hashes(ws, ["a", "copy"]).count == 1)
        for name in ["a", "copy"] {
            let fields = try #require((try ws.json(name, "get", "projects", project, "--json") as? [String: Any])?["fields"] as? [String: Any])
            #expect(fields["budget_spent"] as? Int == 1000, "\(name): the shared increment counts once")
            #expect(fields["risk_level"] as? String == "high" && fields["status"] as? String == "active")
        }
        await daemon.stop()
    }
}
