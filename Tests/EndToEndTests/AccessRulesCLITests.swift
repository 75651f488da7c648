import Foundation
import Planning
import SyncModel
import SyncServer
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
        for department in ["marketing", "hr"] {
            try ws.ok(department, "init", "--node", "\(department)-laptop", "--department", department,
                      "--server", daemon.address, "--token", try daemon.token(for: department))
        }
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
}
