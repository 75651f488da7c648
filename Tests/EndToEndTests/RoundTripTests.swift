import Foundation
import Testing

/// put, get and list on one replica, with Chinese and emoji text.
@Suite struct RoundTripTests {
    @Test func putGetListRoundTripWithCJK() throws {
        let ws = try Workspace()
        try ws.ok("p", "init", "--node", "p-laptop", "--department", "planning")
        let dept = try ws.ok("p", "put", "departments", "name=市场部", "kind=marketing", "lead=王芳")
        #expect(UUID(uuidString: dept) != nil, "put prints only the new id: \(dept)")
        let project = try ws.ok("p", "put", "projects", "name=2027 春季市场推广 🌸", "owner_department=\(dept)", "start=2027-03-01",
                                "end=2027-04-30", "budget_planned=80000000", "status=planning")
        try ws.ok("p", "put", "projects", project, "end=2027-05-15", "description=预算 = 八十万")
        try ws.ok("p", "inc", "projects", project, "budget_spent", "5000000")
        try ws.ok("p", "inc", "projects", project, "budget_spent", "-200000")
        try ws.ok("p", "inc", "projects", project, "budget_spent", "--", "-1000")   // `--` ends the options, as usual
        try ws.ok("p", "inc", "projects", project, "budget_spent", "--", "1000")
        try ws.ok("p", "add", "projects", project, "channels", "社交媒体")
        try ws.ok("p", "add", "projects", project, "channels", "户外广告")
        try ws.ok("p", "remove", "projects", project, "channels", "户外广告")

        let row = try #require(try ws.json("p", "get", "projects", project, "--json") as? [String: Any])
        let fields = try #require(row["fields"] as? [String: Any])
        #expect(fields["name"] as? String == "2027 春季市场推广 🌸")
        #expect(fields["end"] as? String == "2027-05-15")
        #expect(fields["description"] as? String == "预算 = 八十万", "the value is everything after the first =")
        #expect(fields["budget_planned"] as? Int == 80_000_000)
        #expect(fields["budget_spent"] as? Int == 4_800_000)
        #expect(fields["channels"] as? [String] == ["社交媒体"])
        #expect(fields["owner_department"] as? String == dept)

        try ws.ok("p", "put", "projects", project, "description=")
        let cleared = try #require(try ws.json("p", "get", "projects", project, "--json") as? [String: Any])
        #expect((cleared["fields"] as? [String: Any])?["description"] is NSNull, "an empty value clears the field")

        let listed = try #require(try ws.json("p", "list", "projects", "--where", "status=planning", "--json") as? [[String: Any]])
        #expect(listed.map { $0["id"] as? String } == [project])
        let none = try #require(try ws.json("p", "list", "projects", "--where", "status=done", "--json") as? [[String: Any]])
        #expect(none.isEmpty)
        let bySet = try #require(try ws.json("p", "list", "projects", "--where", "channels=社交媒体", "--json") as? [[String: Any]])
        #expect(bySet.count == 1)
    }

    /// Columns line up in display columns: CJK and emoji count 2, so every cell of a column starts
    /// at the same screen position.
    @Test func tablesStayAlignedWithChineseText() throws {
        let ws = try Workspace()
        try ws.ok("p", "init", "--node", "p-laptop", "--department", "planning")
        for (name, lead) in [("市场部", "王芳"), ("Sales", "Li Qiang"), ("策划部 🌸", "陈")] {
            try ws.ok("p", "put", "departments", "name=\(name)", "kind=other", "lead=\(lead)")
        }
        let lines = try ws.ok("p", "list", "departments").split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        let kindColumns = Set(lines.dropFirst().map { line in screenColumn(of: "other", in: line) })
        #expect(kindColumns.count == 1, "kind starts at one screen column: \(lines)")
        #expect(screenColumn(of: "kind", in: lines[0]) == kindColumns.first)
    }

    /// Screen column where `needle` starts; the test's text is ASCII, CJK ideographs and 🌸 only.
    func screenColumn(of needle: String, in line: String) -> Int {
        guard let range = line.range(of: needle) else { return -1 }
        return line[..<range.lowerBound].unicodeScalars.reduce(0) { width, scalar in
            width + ((0x4E00...0x9FFF).contains(scalar.value) || scalar.value == 0x1F338 ? 2 : 1)
        }
    }

    /// Text from other departments cannot reorder what the terminal shows: bidirectional override
    /// and isolate controls (as in "Trojan Source") are shown as U+FFFD in tables and in `get`,
    /// while ordinary right-to-left text passes unchanged. `--json` keeps the exact value.
    @Test func bidiControlsCannotReorderALine() throws {
        let ws = try Workspace()
        try ws.ok("p", "init", "--node", "p-laptop", "--department", "planning")
        let controls: [Character] = ["\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}"]
        let name = "\u{202E}evil\u{2066} שלום " + String(controls)
        let id = try ws.ok("p", "put", "departments", "name=\(name)", "kind=other")
        for output in [try ws.ok("p", "list", "departments"), try ws.ok("p", "get", "departments", id)] {
            #expect(!output.contains(where: controls.contains), "\(output.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(output.contains("\u{FFFD}evil\u{FFFD} שלום"))
        }
        let row = try ws.json("p", "get", "departments", id, "--json") as? [String: Any]
        #expect((row?["fields"] as? [String: Any])?["name"] as? String == name)
    }

    @Test func deleteAndRestore() throws {
        let ws = try Workspace()
        try ws.ok("p", "init", "--node", "p-laptop", "--department", "planning")
        let task = try ws.ok("p", "put", "tasks", "title=确定推广渠道", "status=todo")
        try ws.ok("p", "delete", "tasks", task)
        #expect((try ws.json("p", "list", "tasks", "--json") as? [Any])?.count == 0)
        #expect((try ws.json("p", "list", "tasks", "--deleted", "--json") as? [Any])?.count == 1)
        let refused = try ws.on("p", "put", "tasks", task, "status=doing")
        #expect(refused.status == 1 && refused.stderr.contains("restore it first"))
        try ws.ok("p", "restore", "tasks", task)
        try ws.ok("p", "put", "tasks", task, "status=doing")
        let row = try ws.json("p", "get", "tasks", task, "--json") as? [String: Any]
        #expect(row?["deleted"] as? Bool == false)
    }

    @Test func danglingReferenceIsANoticeNotAnError() throws {
        let ws = try Workspace()
        try ws.ok("p", "init", "--node", "p-laptop", "--department", "planning")
        let task = try ws.ok("p", "put", "tasks", "title=x", "project=no-such-project")
        let text = try ws.ok("p", "get", "tasks", task)
        #expect(text.contains("notice: project refers to projects no-such-project, which is missing or deleted"))
        let row = try ws.json("p", "get", "tasks", task, "--json") as? [String: Any]
        #expect(row?["dangling_refs"] as? [String] == ["project"])
    }
}
