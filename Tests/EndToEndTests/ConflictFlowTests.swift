import Foundation
import Testing

/// Two department replicas syncing through an in-process daemon: concurrent edits merge or become
/// conflicts that both list alike, a resolution travels, and the replicas agree again.
@Suite struct ConflictFlowTests {
    /// Replicas `sales` and `mkt`, both synced with a project created by sales; returns the project id.
    static func twoSyncedReplicas(_ ws: Workspace, _ daemon: TestDaemon) throws -> String {
        try ws.ok("sales", "init", "--node", "sales-laptop", "--department", "sales", "--server", daemon.address, "--token", daemon.token(for: "sales"))
        try ws.ok("mkt", "init", "--node", "mkt-laptop", "--department", "marketing", "--server", daemon.address, "--token", daemon.token(for: "marketing"))
        let project = try ws.ok("sales", "put", "projects", "name=春季推广", "end=2027-04-30")
        try ws.ok("sales", "sync")
        try ws.ok("mkt", "sync")
        return project
    }

    func syncBoth(_ ws: Workspace) throws {
        for _ in 0..<2 { for r in ["sales", "mkt"] { try ws.ok(r, "sync") } }
    }

    @Test func registerConflictListedAlikeResolvedAndShared() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        let project = try Self.twoSyncedReplicas(ws, daemon)

        try ws.ok("sales", "put", "projects", project, "end=2027-04-20")
        try ws.ok("mkt", "put", "projects", project, "end=2027-05-15")
        try syncBoth(ws)

        let salesList = try #require(try ws.json("sales", "conflicts", "list", "--json") as? [[String: Any]])
        let mktList = try #require(try ws.json("mkt", "conflicts", "list", "--json") as? [[String: Any]])
        #expect(salesList.count == 1)
        #expect(salesList.map { $0["id"] as? String } == mktList.map { $0["id"] as? String }, "both replicas list the same conflict")
        let conflict = salesList[0]
        #expect(conflict["kind"] as? String == "register")
        #expect(conflict["collection"] as? String == "projects")
        #expect(conflict["row"] as? String == project)
        #expect(conflict["field"] as? String == "end")
        let values = try #require(conflict["values"] as? [[String: Any]])
        #expect(values.map { $0["n"] as? Int } == [1, 2])
        #expect(Set(values.compactMap { $0["value"] as? String }) == ["2027-04-20", "2027-05-15"])
        #expect(Set(values.compactMap { $0["department"] as? String }) == ["sales", "marketing"])
        #expect(Set(values.compactMap { $0["node"] as? String }) == ["sales-laptop", "mkt-laptop"])
        #expect(values.allSatisfy { ($0["hlc"] as? String)?.count == 16 })

        let id = try #require(conflict["id"] as? String)
        let shown = try #require(try ws.json("mkt", "conflicts", "show", id, "--json") as? [String: Any])
        #expect(shown["id"] as? String == id)
        let text = try ws.ok("mkt", "conflicts", "show", String(id.prefix(6)))
        #expect(text.contains("sales-laptop (sales)") && text.contains("mkt-laptop (marketing)") && text.contains(" UTC"))
        let human = try ws.ok("sales", "get", "projects", project)
        #expect(human.contains("in conflict \(id)"))

        let n = try #require(values.first { $0["value"] as? String == "2027-04-20" }?["n"] as? Int)
        let resolved = try ws.ok("mkt", "conflicts", "resolve", id, "--pick", String(n))
        #expect(resolved.contains("2027-04-20"))
        try syncBoth(ws)

        for replica in ["sales", "mkt"] {
            let status = try ws.status(replica)
            #expect(status["open_conflicts"] as? Int == 0)
            #expect(status["outbox"] as? Int == 0)
            let row = try ws.json(replica, "get", "projects", project, "--json") as? [String: Any]
            #expect((row?["fields"] as? [String: Any])?["end"] as? String == "2027-04-20")
        }
        #expect(try ws.status("sales")["state_hash"] as? String == ws.status("mkt")["state_hash"] as? String)

        let history = try #require(try ws.json("mkt", "conflicts", "history", "--json") as? [[String: Any]])
        #expect(history.count == 1)
        #expect(history[0]["kept"] as? String == "2027-04-20")
        let discarded = try #require(history[0]["discarded"] as? [[String: Any]])
        #expect(discarded.contains { $0["value"] as? String == "2027-05-15" && $0["department"] as? String == "marketing" })
        #expect((history[0]["resolved_by"] as? String)?.hasPrefix("mkt-laptop:") == true)
        await daemon.stop()
    }

    @Test func aFieldConflictOnADeletedRowSaysToRestoreItFirst() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        let project = try Self.twoSyncedReplicas(ws, daemon)
        try ws.ok("sales", "put", "projects", project, "end=2027-04-20")
        try ws.ok("sales", "delete", "projects", project)
        try ws.ok("mkt", "put", "projects", project, "end=2027-05-15")
        try syncBoth(ws)

        let conflicts = try #require(try ws.json("sales", "conflicts", "--json") as? [[String: Any]])
        let end = try #require(conflicts.first { $0["field"] as? String == "end" }?["id"] as? String)
        let text = try ws.ok("sales", "conflicts", "show", end)
        #expect(text.contains("the row is deleted: restore it first (plansync restore projects \(project))"), "\(text)")
        // What the hint says works: the resolve is refused until the restore.
        let refused = try ws.on("sales", "conflicts", "resolve", end, "--pick", "1")
        #expect(refused.status == 1 && refused.stderr.contains("restore it first"), "\(refused.stderr)")
        try ws.ok("sales", "restore", "projects", project)
        try ws.ok("sales", "conflicts", "resolve", end, "--pick", "1")
        await daemon.stop()
    }

    @Test func editOnDeletedAndResolveByValue() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        let project = try Self.twoSyncedReplicas(ws, daemon)
        let meeting = try ws.ok("sales", "put", "meetings", "title=周会", "project=\(project)")
        try ws.ok("sales", "sync")
        try ws.ok("mkt", "sync")

        try ws.ok("sales", "delete", "projects", project)
        try ws.ok("mkt", "put", "projects", project, "status=active")
        try ws.ok("sales", "put", "meetings", meeting, "minutes=决定：增加短视频渠道")
        try ws.ok("mkt", "put", "meetings", meeting, "minutes=决定：推迟上线两周")
        try syncBoth(ws)

        let conflicts = try #require(try ws.json("sales", "conflicts", "--json") as? [[String: Any]])
        #expect(Set(conflicts.compactMap { $0["kind"] as? String }) == ["register", "edit_on_deleted"])
        let deleted = try #require(conflicts.first { $0["kind"] as? String == "edit_on_deleted" })
        #expect(deleted["row"] as? String == project)
        // The two choices of resolve --pick (docs/conflicts.md): 1 stays deleted (the delete's
        // dot), 2 restores (the unseen edit's dot); the edits are listed by dot.
        let choices = try #require(deleted["values"] as? [[String: Any]])
        #expect(choices.map { $0["n"] as? Int } == [1, 2])
        #expect(choices.map { $0["value"] as? Bool } == [true, false])
        #expect((choices[0]["node"] as? String) == "sales-laptop" && (choices[1]["node"] as? String) == "mkt-laptop")
        let edits = try #require(deleted["edits"] as? [String])
        #expect(edits.count == 1 && edits.first == choices[1]["dot"] as? String)
        let minutes = try #require(conflicts.first { $0["field"] as? String == "minutes" })

        let bad = try ws.on("sales", "conflicts", "resolve", try #require(minutes["id"] as? String), "--pick", "3")
        #expect(bad.status == 1 && bad.errorLines.count == 1)
        try ws.ok("sales", "conflicts", "resolve", try #require(minutes["id"] as? String), "--value", "决定：两者都做")
        try ws.ok("sales", "conflicts", "resolve", try #require(deleted["id"] as? String), "--pick", "1")
        try syncBoth(ws)
        #expect(try ws.status("mkt")["open_conflicts"] as? Int == 0)
        let row = try ws.json("mkt", "get", "meetings", meeting, "--json") as? [String: Any]
        #expect((row?["fields"] as? [String: Any])?["minutes"] as? String == "决定：两者都做")
        #expect((try ws.json("mkt", "list", "projects", "--json") as? [Any])?.isEmpty == true, "kept deleted")
        #expect(try ws.status("sales")["state_hash"] as? String == ws.status("mkt")["state_hash"] as? String)
        await daemon.stop()
    }

    @Test func daemonFileReadsLikeAReplica() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        _ = try Self.twoSyncedReplicas(ws, daemon)
        let expected = try ws.status("mkt")["state_hash"] as? String
        var hash: String?
        for _ in 0..<50 {
            hash = try ws.status("server")["state_hash"] as? String
            if hash == expected { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(hash == expected, "the daemon's file materializes the same state")
        await daemon.stop()
    }
}
