import Foundation
import Planning
import SyncModel
import SyncServer
import SyncStore
import Testing

/// Access rules as department users meet them through the `plansync` binary and the real daemon.
@Suite(.serialized) struct AccessRulesCLITests {
    static let rules = AccessRules([
        .init(collection: "incentives", access: .read, departments: ["hr", "finance", "planning"]),
        .init(collection: "incentives", access: .write, departments: ["hr"]),
        .init(collection: "projects", field: "budget_planned", access: .write, departments: ["finance", "planning"]),
    ])

    @Test func queuedEditsARuleForbidsAreReportedKeptAndListed() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        defer { Task { await daemon.stop() } }
        try Self.laptops(["marketing", "hr"], in: ws, daemon)
        let project = try ws.ok("marketing", "put", "projects", "name=春季推广").trimmingCharacters(in: .whitespacesAndNewlines)
        try ws.ok("marketing", "sync")
        // Allowed while the daemon has no rules: queued, not yet sent.
        try ws.ok("marketing", "put", "projects", project, "budget_planned=5")

        daemon.daemon.replaceRules(Self.rules)
        let sync = try ws.on("marketing", "sync")
        #expect(sync.status == 3, "\(sync.stderr)")
        #expect(sync.stderr.contains("forbidden") && sync.stderr.contains("collections.projects.fields.budget_planned.write"), "\(sync.stderr)")
        let outbox = try ws.ok("marketing", "outbox")
        #expect(outbox.contains("FORBIDDEN by collections.projects.fields.budget_planned.write"), "\(outbox)")
        #expect(try ws.status("marketing")["outbox"] as? Int == 1, "the refused op is kept")

        // The laptop now knows the rules: a new forbidden write never enters the outbox.
        let put = try ws.on("marketing", "put", "projects", project, "budget_planned=7")
        #expect(put.status == 1)
        #expect(put.errorLines.count == 1 && put.stderr.contains("budget_planned.write"), "\(put.stderr)")
        #expect(try ws.status("marketing")["outbox"] as? Int == 1)
        let rules = try ws.ok("marketing", "rules")
        #expect(rules.contains("may not read (nor write) incentives"), "\(rules)")

        // hr's incentive never reaches marketing's file, not even its row id.
        let incentive = try ws.ok("hr", "put", "incentives", "recipient=王五", "kind=bonus", "amount=500000")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try ws.ok("hr", "sync")
        _ = try ws.on("marketing", "sync")
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: ws.folder.appendingPathComponent("marketing.sqlite\(suffix)"))) ?? Data()
            #expect(bytes.range(of: Data("王五".utf8)) == nil && bytes.range(of: Data(incentive.utf8)) == nil, "marketing.sqlite\(suffix)")
        }
        // hr's replica equals the daemon's hash for hr's scope.
        try ws.ok("hr", "sync")
        #expect(try ws.status("hr")["state_hash"] as? String == (try ScopeHash(of: "hr", rules: Self.rules, schema: PlanningSchema.schema, in: daemon.log).hash))
    }

    /// `plansync init` of one laptop per department (replica and node named after it) on `daemon`.
    static func laptops(_ departments: [String], in ws: Workspace, _ daemon: TestDaemon) throws {
        for department in departments {
            try ws.ok(department, "init", "--node", "\(department)-laptop", "--department", department,
                      "--server", daemon.address, "--token", try daemon.token(for: department))
        }
    }

    /// The unsent ops of `replica`, as `outbox --json` lists them.
    func outbox(_ ws: Workspace, _ replica: String) throws -> [[String: Any]] {
        try ws.json(replica, "outbox", "--json") as? [[String: Any]] ?? []
    }

    @Test func discardingQueuedEditsBringsTheReplicaBackToTheDaemonsState() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        defer { Task { await daemon.stop() } }
        try Self.laptops(["marketing"], in: ws, daemon)
        let project = try ws.ok("marketing", "put", "projects", "name=春季推广")
        try ws.ok("marketing", "sync")

        // One queued edit the new rules forbid, discarded by its dot: nothing else is unsent, so the
        // replica equals the daemon's scope at once.
        try ws.ok("marketing", "put", "projects", project, "budget_planned=5")
        daemon.daemon.replaceRules(Self.rules)
        #expect(try ws.on("marketing", "sync").status == 3)
        let queued = try outbox(ws, "marketing")
        #expect(queued.count == 1 && queued.first?["forbidden_by"] is String)
        let dot = "marketing-laptop:\(queued.first?["seq"] as? Int ?? 0)"
        let missing = try ws.on("marketing", "outbox", "discard", "marketing-laptop:99")
        #expect(missing.status == 1 && missing.errorLines.count == 1 && missing.stderr.contains("not an unsent op"), "\(missing.stderr)")
        #expect(try outbox(ws, "marketing").count == 1)
        let discard = try ws.on("marketing", "outbox", "discard", dot)
        #expect(discard.status == 0, "\(discard.stderr)")
        #expect(discard.output.hasPrefix("discarded 1 unsent op; rebuilt from the daemon"), "\(discard.output)")
        #expect(try outbox(ws, "marketing").isEmpty)
        let scoped = try ScopeHash(of: "marketing", rules: Self.rules, schema: PlanningSchema.schema, in: daemon.log).hash
        #expect(try ws.status("marketing")["state_hash"] as? String == scoped)
        let row = try ws.json("marketing", "get", "projects", project, "--json") as? [String: Any]
        let planned = (row?["fields"] as? [String: Any])?["budget_planned"]
        #expect(planned == nil || planned is NSNull, "\(String(describing: row))")

        // A forbidden edit queued before an allowed one: --refused drops the first, and the second
        // takes its seq, so the daemon accepts it without a gap.
        daemon.daemon.replaceRules(.open)
        try ws.ok("marketing", "sync")
        try ws.ok("marketing", "put", "projects", project, "budget_planned=6")
        try ws.ok("marketing", "put", "projects", project, "name=秋季推广")
        let seqs = try outbox(ws, "marketing").compactMap { $0["seq"] as? Int }
        daemon.daemon.replaceRules(Self.rules)
        #expect(try ws.on("marketing", "sync").status == 3)
        let refused = try ws.on("marketing", "outbox", "discard", "--refused")
        #expect(refused.status == 0, "\(refused.stderr)")
        #expect(refused.output.contains("1 unsent op left"), "\(refused.output)")
        let left = try outbox(ws, "marketing")
        #expect(left.count == 1 && left.first?["seq"] as? Int == seqs.first && left.first?["field"] as? String == "name")
        try ws.ok("marketing", "sync")
        #expect(try ws.status("marketing")["state_hash"] as? String == (try ScopeHash(of: "marketing", rules: Self.rules, schema: PlanningSchema.schema, in: daemon.log).hash))
        let again = try ws.on("marketing", "outbox", "discard", "--refused")
        #expect(again.status == 1 && again.stderr.contains("nothing was discarded"), "\(again.stderr)")
    }

    @Test func aDepartmentThatLosesReadAccessDropsTheCollectionsRowsAtItsNextSync() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        defer { Task { await daemon.stop() } }
        try Self.laptops(["marketing", "hr"], in: ws, daemon)
        let incentive = try ws.ok("hr", "put", "incentives", "recipient=王五", "kind=bonus", "amount=500000")
        try ws.ok("hr", "sync")
        try ws.ok("marketing", "put", "projects", "name=春季推广")
        try ws.ok("marketing", "sync")
        let path = ws.folder.appendingPathComponent("marketing.sqlite").path
        // The premise: marketing holds the incentive while no rule hides it.
        #expect(try ReplicaStore(opening: path, schema: PlanningSchema.schema).row("incentives", id: incentive) != nil)

        daemon.daemon.replaceRules(Self.rules)
        try ws.ok("marketing", "sync")
        let store = try ReplicaStore(opening: path, schema: PlanningSchema.schema)
        #expect(try store.rows("incentives", includeDeleted: true).isEmpty)
        #expect(try store.recentOps(limit: 10_000).allSatisfy { $0.op.collection != "incentives" })
        #expect(try store.rows("projects").count == 1)
        #expect(try ws.status("marketing")["state_hash"] as? String == (try ScopeHash(of: "marketing", rules: Self.rules, schema: PlanningSchema.schema, in: daemon.log).hash))
    }
}
