import Foundation
import Testing

/// The `--json` shapes of DESIGN.md ("Command surface") that scripts rely on.
@Suite struct JSONShapeTests {
    @Test func getListStatusLogShapes() throws {
        let ws = try Workspace()
        try ws.ok("p", "init", "--node", "p-laptop", "--department", "planning", "--server", "127.0.0.1:7420", "--token", "t0k3n")
        let id = try ws.ok("p", "put", "projects", "name=推广", "budget_planned=100", "start=2027-03-01")
        try ws.ok("p", "inc", "projects", id, "budget_spent", "7")
        try ws.ok("p", "add", "projects", id, "channels", "短视频")

        let row = try #require(try ws.json("p", "get", "projects", id, "--json") as? [String: Any])
        #expect(Set(row.keys).isSuperset(of: ["id", "collection", "deleted", "fields", "conflicts"]))
        #expect(row["id"] as? String == id)
        #expect(row["collection"] as? String == "projects")
        #expect(row["deleted"] as? Bool == false)
        #expect((row["conflicts"] as? [Any])?.isEmpty == true)
        let fields = try #require(row["fields"] as? [String: Any])
        #expect(fields["budget_spent"] as? Int == 7, "counters are integers")
        #expect(fields["channels"] as? [String] == ["短视频"], "sets are arrays")
        #expect(fields["budget_planned"] as? Int == 100)
        #expect(fields["goal"] is NSNull, "unwritten registers are null")

        let list = try #require(try ws.json("p", "list", "projects", "--json") as? [[String: Any]])
        #expect(list.count == 1 && list[0]["id"] as? String == id)

        let status = try ws.status("p")
        #expect(status["node"] as? String == "p-laptop")
        #expect(status["department"] as? String == "planning")
        #expect(status["server"] as? String == "127.0.0.1:7420")
        #expect(status["outbox"] as? Int == 6)
        #expect(status["cursor"] as? Int == 0)
        #expect(status["open_conflicts"] as? Int == 0)
        let hash = try #require(status["state_hash"] as? String)
        #expect(hash.count == 64 && hash.allSatisfy(\.isHexDigit))

        let log = try #require(try ws.json("p", "log", "--limit", "2", "--json") as? [[String: Any]])
        #expect(log.count == 2)
        let op = try #require(log[0]["op"] as? [String: Any])
        #expect(op["kind"] as? String == "add")
        #expect(op["element"] as? String == "短视频")
        #expect(op["node"] as? String == "p-laptop")
        #expect(log[0]["origin"] as? String == "local")

        #expect((try ws.json("p", "conflicts", "--json") as? [Any])?.isEmpty == true)
        #expect((try ws.json("p", "conflicts", "list", "--json") as? [Any])?.isEmpty == true)
        #expect((try ws.json("p", "conflicts", "history", "--json") as? [Any])?.isEmpty == true)
    }

    @Test func replicaPathFromEnvironment() throws {
        let ws = try Workspace()
        try ws.ok("env", "init", "--node", "e", "--department", "hr")
        let process = Process()
        process.executableURL = ws.binary.url
        process.arguments = ["status", "--json"]
        process.currentDirectoryURL = ws.folder
        process.environment = ["PLANSYNC_REPLICA": ws.folder.appendingPathComponent("env.sqlite").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let status = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(status?["node"] as? String == "e")
    }
}
