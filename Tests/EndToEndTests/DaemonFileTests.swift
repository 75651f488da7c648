import Foundation
import Testing

/// `plansync --replica` on the daemon's file reads it (status, get, list), but never writes it: a
/// local op there would reach no log, and the daemon's state would drift from everyone's.
@Suite struct DaemonFileTests {
    @Test func plansyncReadsTheDaemonsFileButNeverChangesIt() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        let token = try daemon.token(for: "sales")
        try ws.ok("a", "init", "--node", "a-laptop", "--department", "sales", "--server", daemon.address, "--token", token)
        let project = try ws.ok("a", "put", "projects", "name=春季推广")
        try ws.ok("a", "sync")
        try daemon.log.materialize()
        let before = try ws.status("server")
        #expect(before["state_hash"] as? String == (try ws.status("a")["state_hash"] as? String))
        #expect(try ws.ok("server", "get", "projects", project).contains("春季推广"))
        let status = try ws.ok("server", "status")
        #expect(status.contains("server          (none: this is the sync daemon's own file)"), "\(status)")
        #expect(!status.contains("plansync sync"), "no advice to sync a file that refuses it: \(status)")

        let writes: [[String]] = [
            ["put", "projects", "name=x"], ["put", "projects", project, "name=y"], ["inc", "projects", project, "budget_spent", "5"],
            ["add", "projects", project, "channels", "x"], ["delete", "projects", project],
            ["sync", "--server", daemon.address, "--token", token],
        ]
        for arguments in writes {
            let result = try ws.binary.run(["--replica", "server.sqlite"] + arguments, in: ws.folder)
            #expect(result.status == 1, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.errorLines == ["plansync: server.sqlite is the sync daemon's file; only the daemon changes it (reading works)"],
                    "\(arguments): \(result.stderr)")
        }
        let after = try ws.status("server")
        #expect(after["state_hash"] as? String == before["state_hash"] as? String)
        #expect(after["outbox"] as? Int == 0)
        await daemon.stop()
    }

    @Test func aLaptopCannotTakeTheDaemonsDepartment() throws {
        let ws = try Workspace()
        let result = try ws.on("a", "init", "--node", "a-laptop", "--department", "server")
        #expect(result.status == 1)
        #expect(result.errorLines == [#"plansync: the department "server" is reserved for the sync daemon's file"#], "\(result.stderr)")
        #expect(!ws.exists("a.sqlite"))
    }

    @Test func aLineLimitBelowAClientsLongestPushIsRefusedAtStart() throws {
        let ws = try Workspace()
        let result = try PlanSyncBinary.locate("plansyncd").run(["serve", "--data", "server.sqlite", "--port", "0", "--max-line-bytes", "1000000"], in: ws.folder)
        #expect(result.status != 0)
        #expect(result.stderr.contains("--max-line-bytes must be at least 4194304"), "\(result.stderr)")
        #expect(!ws.exists("server.sqlite"))
    }

    @Test func hugeNumbersAndAMissingFileAreOneLineNeverACrashOrANewFile() throws {
        let ws = try Workspace()
        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        for (option, value, message) in [("--max-clock-skew", "9223372036854775807", "--max-clock-skew must be at most 86400"),
                                          ("--keep-days", "1000000000000", "--keep-days must be at most 36500"),
                                          ("--idle-timeout", "99999999999999", "--idle-timeout must be at most 31536000")] {
            let result = try plansyncd.run(["serve", "--data", "server.sqlite", "--port", "0", option, value], in: ws.folder)
            #expect(result.status == 64 || result.status == 2 || result.status == 1, "\(option): exit \(result.status)")
            #expect(result.stderr.contains(message), "\(option): \(result.stderr)")
        }
        for arguments in [["hash", "--department", "sales", "--data", "typo.sqlite"], ["compact", "--data", "typo.sqlite", "--keep-days", "1000000000000"],
                          ["compact", "--data", "typo.sqlite", "--before", "3"]] {
            let result = try plansyncd.run(arguments, in: ws.folder)
            #expect(result.status != 0 && result.status < 128, "\(arguments): exit \(result.status)")
            #expect(result.stderr.split(separator: "\n").count == 1 || result.stderr.hasPrefix("Error:"), "\(arguments): \(result.stderr)")
        }
        #expect(!ws.exists("server.sqlite") && !ws.exists("typo.sqlite"))
    }
}
