import Foundation
import Planning
import SyncModel
import SyncStore
import Testing

/// `goals`, `health`, `agenda`, `review`, and names for references in `get` and `list`, run as a
/// user runs them, over replicas filled through the CLI and synced.
@Suite struct ViewsCommandTests {
    let today = ["--today", PlanningFixture.today]

    @Test func viewsAsJSON() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        let f = try PlanningFixture.make(ws, daemon)
        let conflicts = try #require(try ws.json("b", "conflicts", "--json") as? [[String: Any]])
        let conflictID = try #require(conflicts.first?["id"] as? String)

        let goals = try #require(try ws.json("b", "goals", "--json") as? [String: Any])
        let roots = try #require(goals["goals"] as? [[String: Any]])
        #expect(roots.first?["title"] as? String == "年度增长20%")
        let flags = try #require(goals["flags"] as? [[String: Any]])
        #expect(flags.contains { $0["kind"] as? String == "orphan" && $0["title"] as? String == "孤儿目标" })
        #expect(flags.contains { $0["kind"] as? String == "no_goal" })

        let health = try #require(try ws.json("b", ["health", f.project, "--json"] + today) as? [String: Any])
        let project = try #require((health["projects"] as? [[String: Any]])?.first)
        #expect(project["overall"] as? String == "red")
        #expect((project["budget"] as? [String: Any])?["percent_spent"] as? Int == 150)
        #expect(((project["owner_department"] as? [String: Any])?["name"]) as? String == "市场部")
        #expect(((project["conflicts"] as? [[String: Any]])?.first?["id"]) as? String == conflictID)
        #expect(((project["problems"] as? [String: Any])?["by_severity"] as? [String: Any])?["high"] as? Int == 1)

        let agenda = try #require(try ws.json("b", ["agenda", "--next", "--json"] + today) as? [String: Any])
        #expect((agenda["meeting"] as? [String: Any])?["id"] as? String == f.meeting)
        #expect((agenda["open_problems"] as? [[String: Any]])?.first?["title"] as? String == "渠道成本超支")
        let overdue = try #require((agenda["overdue_action_items"] as? [[String: Any]])?.first)
        #expect((overdue["owner_department"] as? [String: Any])?["name"] as? String == "市场部")
        #expect((overdue["items"] as? [[String: Any]])?.first?["days_overdue"] as? Int == 50)
        let settle = (agenda["conflicts"] as? [[String: Any]])?.first?["settle"] as? String
        #expect(settle == "plansync conflicts resolve \(conflictID) --pick N")

        let review = try #require(try ws.json("b", "review", "春季推广🌸", "--json") as? [String: Any])
        #expect((review["retrospectives"] as? [[String: Any]])?.first?["lessons"] as? String == "提前锁定媒体资源")
        let changes = try #require(review["recent_changes"] as? [[String: Any]])
        #expect(changes.contains { $0["department"] as? String == "planning" } && changes.contains { $0["department"] as? String == "sales" })

        #expect((try ws.json("b", "conflicts", "--json") as? [[String: Any]])?.count == conflicts.count, "conflicts --json keeps its shape")
        await daemon.stop()
    }

    /// A `parent` chain thousands of goals deep (broken or hostile data) overflowed the stack of
    /// `goals`, `goals --json` and `report --html` (5,000 was enough for a debug build, 9,000 for a
    /// release build), and made `goals` print megabytes of indentation.
    @Test func aGoalChainThousandsDeepIsShownNotCrashedOn() throws {
        let ws = try Workspace()
        let depth = 5_000
        let store = try ReplicaStore.create(at: ws.folder.appendingPathComponent("deep.sqlite").path,
                                            identity: ReplicaIdentity(node: "deep-laptop", department: "planning"), schema: PlanningSchema.schema)
        var parent: String?
        for i in 0..<depth {
            var fields: [String: Value] = ["title": .text("goal \(i)"), "level": .text(i == 0 ? "company" : "department")]
            if let parent { fields["parent"] = .text(parent) }
            parent = try store.create("goals", fields: fields)
        }
        let text = try ws.ok("deep", "goals")
        #expect(text.utf8.count < depth * 400, "goals prints \(text.utf8.count) bytes")
        let json = try #require(try ws.json("deep", "goals", "--json") as? [String: Any])
        #expect((json["goals"] as? [[String: Any]])?.count == 1)
        try ws.ok("deep", "report", "--html", "deep.html")
        let html = try String(contentsOf: ws.folder.appendingPathComponent("deep.html"), encoding: .utf8)
        #expect(html.utf8.count < depth * 600, "the report has \(html.utf8.count) bytes")
    }

    @Test func referencesReadAsNames() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        let f = try PlanningFixture.make(ws, daemon)
        let text = try ws.ok("b", "get", "projects", f.project)
        #expect(text.contains("owner_department  市场部  (\(f.department))"))
        #expect(text.contains("goal              新客户3000"))
        let row = try #require(try ws.json("b", "get", "projects", f.project, "--json") as? [String: Any])
        #expect((row["fields"] as? [String: Any])?["owner_department"] as? String == f.department, "fields keep the id")
        let ref = try #require((row["refs"] as? [String: Any])?["owner_department"] as? [String: Any])
        #expect(ref["name"] as? String == "市场部" && ref["state"] as? String == "live" && ref["id"] as? String == f.department)

        let list = try ws.ok("b", "list", "projects")
        #expect(list.contains("旧部门 (deleted)"), "a reference to a deleted row says so")
        let rows = try #require(try ws.json("b", "list", "projects", "--json") as? [[String: Any]])
        let small = try #require(rows.first { ($0["fields"] as? [String: Any])?["name"] as? String == "Small ok" })
        #expect(((small["refs"] as? [String: Any])?["owner_department"] as? [String: Any])?["state"] as? String == "deleted")
        #expect(small["dangling_refs"] as? [String] == ["owner_department"])

        let missing = try ws.ok("b", "put", "tasks", "title=悬空", "project=0000-no-such-project")
        let dangling = try ws.ok("b", "get", "tasks", missing)
        #expect(dangling.contains("(missing 0000-no-such-project)"))
        await daemon.stop()
    }

    @Test func tablesLineUpWithChineseAndEmoji() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        _ = try PlanningFixture.make(ws, daemon)
        let health = try ws.ok("b", ["health"] + today)
        let table = health.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).prefix { !$0.isEmpty }
        let header = try #require(table.first)
        for column in ["PROJECT", "STATUS", "TIMELINE", "SPENT / PLANNED"] {
            let at = try #require(TerminalColumns.start(of: column, in: header))
            for line in table.dropFirst() {
                let cell = TerminalColumns.text(of: line, from: at)
                #expect(!cell.hasPrefix(" ") && TerminalColumns.text(of: line, from: at - 2).hasPrefix("  "),
                        "\(column) starts at column \(at) in: \(line)")
            }
        }
        #expect(health.contains("■ red") && health.contains("春季推广🌸"))
        await daemon.stop()
    }

    @Test func badInputIsOneLineAndWritesNothing() async throws {
        let ws = try Workspace()
        try ws.ok("a", "init", "--node", "na", "--department", "planning")
        try ws.ok("a", "put", "projects", "name=推广")
        for arguments in [["health", "no-such-project"], ["review", "no-such-project"], ["agenda", "no-such-meeting"], ["agenda", "--next"],
                          ["goals", "--department", "无此部门"], ["health", "--today", "2026-02-30"],
                          ["report", "--html", "missing-folder/r.html"]] {
            let result = try ws.on("a", arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.errorLines.count == 1 && result.errorLines[0].hasPrefix("plansync: "), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        #expect(!ws.exists("missing-folder"))
        #expect(try ws.on("a", "agenda", "x", "--next").status == 2, "a meeting and --next is a usage error")
    }
}

/// Terminal columns of text as a monospace terminal lays it out: East Asian wide characters and
/// emoji take two columns (an independent check of the CLI's own width rules for the few
/// characters these tests use).
enum TerminalColumns {
    static func width(_ c: Character) -> Int {
        guard let s = c.unicodeScalars.first else { return 0 }
        let wide = (0x4E00...0x9FFF).contains(s.value) || (0x3000...0x303F).contains(s.value) || (0xFF00...0xFF60).contains(s.value)
        return wide || s.properties.isEmojiPresentation ? 2 : 1
    }

    /// The column where `needle` starts in `line`.
    static func start(of needle: String, in line: String) -> Int? {
        guard let range = line.range(of: needle) else { return nil }
        return line[..<range.lowerBound].reduce(0) { $0 + width($1) }
    }

    /// The rest of `line` from display column `column`.
    static func text(of line: String, from column: Int) -> String {
        var used = 0
        for (i, c) in line.enumerated() {
            if used >= column { return String(line.dropFirst(i)) }
            used += width(c)
        }
        return ""
    }
}

extension Workspace {
    /// `plansync --replica NAME.sqlite ARGUMENTS` with the arguments as an array.
    func on(_ replica: String, _ arguments: [String]) throws -> PlanSyncBinary.Result {
        try binary.run(["--replica", "\(replica).sqlite"] + arguments, in: folder)
    }

    /// Like ``ok(_:_:sourceLocation:)`` with the arguments as an array.
    func ok(_ replica: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try on(replica, arguments)
        #expect(result.status == 0, "plansync \(arguments.joined(separator: " ")) failed: \(result.stderr)", sourceLocation: sourceLocation)
        return result.output
    }

    /// Like ``json(_:_:sourceLocation:)`` with the arguments as an array.
    func json(_ replica: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
        let result = try on(replica, arguments)
        #expect(result.status == 0, "plansync \(arguments.joined(separator: " ")) failed: \(result.stderr)", sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
    }
}
