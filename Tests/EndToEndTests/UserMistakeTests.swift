import Foundation
import Testing

/// Every user mistake is one clear line on stderr, exit 1 (2 for usage), nothing on stdout, and
/// the replica unchanged: same state hash and outbox before and after.
@Suite struct UserMistakeTests {
    /// A replica `a` with one project holding the channel 社交媒体; returns the workspace and the project id.
    static func replicaWithProject() throws -> (Workspace, String) {
        let ws = try Workspace()
        try ws.ok("a", "init", "--node", "a-laptop", "--department", "planning")
        let id = try ws.ok("a", "put", "projects", "name=春季推广", "end=2027-04-30")
        try ws.ok("a", "add", "projects", id, "channels", "社交媒体")
        return (ws, id)
    }

    static let userErrors: [(arguments: [String], message: String)] = [
        (["put", "projects", "end=2027-02-30"], #"plansync: projects.end: "2027-02-30" is not a date YYYY-MM-DD"#),
        (["put", "projekts", "name=x"], #"unknown collection "projekts"; known: departments, needs"#),
        (["put", "projects", "nme=x"], #"projects: unknown field "nme"; known: name, description"#),
        (["put", "projects", "status=bogus"], #""bogus" is not one of planning, active, on_hold, done, cancelled"#),
        (["put", "projects", "budget_planned=lots"], #"projects.budget_planned: "lots" is not a whole number"#),
        (["put", "projects", "budget_spent=5"], "projects.budget_spent: is a counter; change it with plansync inc"),
        (["put", "projects", "channels=x"], "projects.channels: is a set; change it with plansync add|remove"),
        (["put", "projects", "name=a", "name=b"], "projects.name: given twice"),
        (["put", "projects", "_deleted=true"], "use plansync delete or restore"),
        (["put", "projects", "no-such-row", "name=x"], "projects has no row no-such-row; leave the id out to create a row"),
        // No empty rows: DESIGN.md's `put COLLECTION [ID] FIELD=VALUE…` takes at least one field.
        (["put", "projects"], "at least one FIELD=VALUE is needed to create a row in projects"),
        (["put", "projects", "--new-id", "chosen-id"], "at least one FIELD=VALUE is needed to create a row in projects"),
        (["put", "reports", "percent_complete=101"], "reports.percent_complete: 101 is out of range 0 to 100"),
        (["put", "meetings", "scheduled_at=2027-02-01 10:00"], "is not a datetime"),
        (["inc", "projects", "$ID", "end", "5"], "projects.end: inc does not apply to a date YYYY-MM-DD"),
        (["inc", "projects", "$ID", "budget_spent", "12abc"], #""12abc" is not a whole number"#),
        (["inc", "projects", "$ID", "budget_spent", "0"], "a change of 0 does nothing"),
        (["inc", "projects", "no-such-row", "budget_spent", "5"], "projects has no row no-such-row"),
        (["add", "projects", "$ID", "name", "x"], "projects.name: add does not apply to text"),
        (["remove", "projects", "$ID", "channels", "户外广告"], "does not contain \"户外广告\""),
        (["delete", "projects", "no-such-row"], "projects has no row no-such-row"),
        (["restore", "projects", "$ID"], "is not deleted"),
        (["get", "projects", "no-such-row"], "projects has no row no-such-row"),
        (["list", "projects", "--where", "status=bogus"], #""bogus" is not one of planning"#),
        (["list", "projects", "--where", "nope=1"], #"projects: unknown field "nope""#),
        (["conflicts", "show", "abcdef"], "no open conflict abcdef"),
        (["conflicts", "resolve", "abcdef", "--pick", "1"], "no open conflict abcdef"),
        (["init", "--node", "b-laptop", "--department", "sales"], "already exists; refusing to overwrite it"),
        (["sync"], "no server set for this replica"),
        (["sync", "--server", "localhost"], "is not HOST:PORT"),
        // Numbers are refused beyond ±2^53 as written, not after a double rounded them to 2^53.
        (["put", "resources", "capacity=9007199254740993"], #"resources.capacity: "9007199254740993" is not a number within ±2^53"#),
        (["put", "resources", "capacity=9007199254740992.5"], #"resources.capacity: "9007199254740992.5" is not a number within ±2^53"#),
        (["put", "resources", "capacity=-1e16"], #"resources.capacity: "-1e16" is not a number within ±2^53"#),
        (["put", "resources", "capacity=0x10"], #"resources.capacity: "0x10" is not a number within ±2^53"#),
        (["put", "projects", "budget_planned=9007199254740993"], "projects.budget_planned: 9007199254740993 is out of range -9007199254740992 to 9007199254740992"),
        (["put", "projects", "budget_planned=1e3"], #"projects.budget_planned: "1e3" is not a whole number"#),
        (["list", "resources", "--where", "capacity=9007199254740992.5"], #""9007199254740992.5" is not a number within ±2^53"#),
        (["inc", "projects", "$ID", "budget_spent", "9007199254740993"], "is beyond ±2^53"),
        (["inc", "projects", "$ID", "budget_spent", "--", "-9007199254740993"], "is beyond ±2^53"),
    ]

    @Test(arguments: userErrors.indices)
    func userErrorIsOneLineAndChangesNothing(_ index: Int) throws {
        let (ws, id) = try Self.replicaWithProject()
        let before = try ws.status("a")
        let arguments = Self.userErrors[index].arguments.map { $0 == "$ID" ? id : $0 }
        let result = try ws.binary.run(["--replica", "a.sqlite"] + arguments, in: ws.folder)
        #expect(result.status == 1, "\(arguments): status \(result.status), stderr \(result.stderr)")
        #expect(result.errorLines.count == 1, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix("plansync: "))
        #expect(result.stderr.contains(Self.userErrors[index].message), "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        let after = try ws.status("a")
        #expect(after["state_hash"] as? String == before["state_hash"] as? String)
        #expect(after["outbox"] as? Int == before["outbox"] as? Int)
    }

    static let usageErrors: [[String]] = [
        ["frobnicate"],
        ["put"],
        ["inc", "projects", "x", "budget_spent"],
        ["inc", "projects", "x", "budget_spent", "1", "2"],
        ["conflicts", "resolve", "abc"],
        ["conflicts", "resolve", "abc", "--pick", "1", "--value", "x"],
        ["log", "--limit", "0"],
        ["log", "--limit", "many"],
        ["get", "projects"],
        ["status", "--bogus"],
    ]

    @Test(arguments: usageErrors)
    func usageErrorExitsTwoAndChangesNothing(_ arguments: [String]) throws {
        let (ws, _) = try Self.replicaWithProject()
        let before = try ws.status("a")
        let result = try ws.binary.run(["--replica", "a.sqlite"] + arguments, in: ws.folder)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.isEmpty)
        #expect(try ws.status("a")["state_hash"] as? String == before["state_hash"] as? String)
    }

    @Test(arguments: [["--help"], ["help", "conflicts"], ["put", "--help"], ["conflicts", "resolve", "--help"]])
    func helpGoesToStdoutWithStatusZero(_ arguments: [String]) throws {
        let ws = try Workspace()
        let result = try ws.binary.run(arguments, in: ws.folder)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        #expect(result.stdout.contains("USAGE: plansync"))
        #expect(result.stderr.isEmpty)
    }

    @Test func missingReplicaIsNamedAndNotCreated() throws {
        let ws = try Workspace()
        for arguments in [["status"], ["put", "projects", "name=x"], ["list", "projects"], ["conflicts"]] {
            let result = try ws.binary.run(["--replica", "nope.sqlite"] + arguments, in: ws.folder)
            #expect(result.status == 1)
            #expect(result.errorLines == ["plansync: no replica at nope.sqlite; run plansync init first"])
        }
        #expect(!ws.exists("nope.sqlite"))
    }

    @Test func badInitArgumentsCreateNoFile() throws {
        let ws = try Workspace()
        let cases: [([String], String)] = [
            (["--node", "a b", "--department", "x"], "invalid node id \"a b\""),
            (["--node", String(repeating: "n", count: 65), "--department", "x"], "invalid node id"),
            (["--node", "n", "--department", ""], "invalid department"),
            (["--node", "n", "--department", "x", "--server", "host-without-port"], "is not HOST:PORT"),
            (["--node", "n", "--department", "x", "--server", "h:70000"], "is not HOST:PORT"),
        ]
        for (arguments, message) in cases {
            let result = try ws.binary.run(["--replica", "new.sqlite", "init"] + arguments, in: ws.folder)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.errorLines.count == 1 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!ws.exists("new.sqlite"))
        }
    }

    /// A replica path in a folder that does not exist names the path and the folder, and makes
    /// neither (a typo in the folder must not be hidden by creating it).
    @Test func initIntoAMissingFolderNamesIt() throws {
        let ws = try Workspace()
        let result = try ws.binary.run(["--replica", "no-such-folder/a.sqlite", "init", "--node", "n", "--department", "x"], in: ws.folder)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.errorLines == ["plansync: cannot create no-such-folder/a.sqlite: the folder no-such-folder does not exist"], "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!ws.exists("no-such-folder"))
    }

    /// `plansyncd rules check` and `serve --rules` read the file through one reader: a missing
    /// file is named as missing, a file that is there but not UTF-8 as such; one line, exit 1.
    @Test func aRulesFileThatIsMissingOrNotUTF8IsNamedForWhatItIs() throws {
        let ws = try Workspace()
        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        try Data([0x5B, 0xFF, 0xFE, 0x5D]).write(to: ws.folder.appendingPathComponent("latin1.toml"))
        let cases: [([String], String)] = [
            (["rules", "check", "nope.toml"], "plansyncd: rules nope.toml: no such file"),
            (["rules", "check", "latin1.toml"], "plansyncd: rules latin1.toml: cannot be read as UTF-8 text"),
            (["serve", "--data", "server.sqlite", "--port", "0", "--rules", "nope.toml"], "plansyncd: rules nope.toml: no such file"),
        ]
        for (arguments, line) in cases {
            let result = try plansyncd.run(arguments, in: ws.folder)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.errorLines == [line], "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)")
        }
        #expect(!ws.exists("server.sqlite"))
    }

    /// A replica made for one department with another department's token: the daemon would judge
    /// its pushes by the other department's rules while the laptop shows its own. Refused at the
    /// first welcome, in one line, with nothing sent or changed.
    @Test func aTokenOfAnotherDepartmentIsRefusedAtTheWelcome() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        try ws.ok("a", "init", "--node", "a-laptop", "--department", "planning", "--server", daemon.address,
                  "--token", try daemon.token(for: "marketing"))
        _ = try ws.ok("a", "put", "projects", "name=P")
        let sync = try ws.on("a", "sync")
        #expect(sync.status == 1, "\(sync.stderr)")
        #expect(sync.errorLines == ["plansync: the token is one of department marketing, but this replica works for department planning: "
            + "use a token made for planning (plansyncd token add --department planning), set with plansync config --token TOKEN"], "\(sync.stderr)")
        #expect(try ws.status("a")["outbox"] as? Int == 2)
        #expect(try daemon.log.head() == 0)
        await daemon.stop()
    }

    /// A rules file that is valid but says more than it grants, or names one department in two
    /// byte forms, passes `rules check` with a note for each.
    @Test func rulesCheckNotesWritersWhoMayNotReadAndLookAlikeNames() throws {
        let ws = try Workspace()
        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        try Data("[collections.goals]\nread = [\"caf\u{E9}\", \"planning\"]\nwrite = [\"cafe\u{301}\", \"planning\"]\n".utf8)
            .write(to: ws.folder.appendingPathComponent("rules.toml"))
        let result = try plansyncd.run(["rules", "check", "rules.toml"], in: ws.folder)
        #expect(result.status == 0, "\(result.stderr)")
        let notes = result.stdout.split(separator: "\n").filter { $0.hasPrefix("note: ") }
        #expect(notes.count == 2, "\(result.stdout)")
        #expect(notes.contains { $0.contains("collections.goals.write lists") && $0.contains("writing needs reading") }, "\(result.stdout)")
        #expect(notes.contains { $0.contains("(U+0063 U+0061 U+0066 U+0065 U+0301) and") && $0.contains("(U+0063 U+0061 U+0066 U+00E9) look alike") },
                "\(result.stdout)")
    }

    /// `plansyncd cert create` refuses a host name no client can connect to before writing anything.
    @Test(arguments: ["", "   ", "\t", "a b"])
    func certificateForABlankHostIsRefused(_ host: String) throws {
        let ws = try Workspace()
        let result = try PlanSyncBinary.locate("plansyncd").run(["cert", "create", "--host", host, "--out", "cert"], in: ws.folder)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.errorLines.count == 1 && result.stderr.hasPrefix("plansyncd: --host"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!ws.exists("cert"))
    }

    /// Arguments that are not valid UTF-8 (a CESU-8 surrogate `ED A0 80`, a stray `FF`) are
    /// refused whole, never repaired into U+FFFD and synced. A shell passes the raw bytes.
    @Test(arguments: [#"a\355\240\200b"#, #"x\377y"#, #"\300\257"#])
    func argumentsThatAreNotUTF8AreRefused(_ octal: String) throws {
        let (ws, id) = try Self.replicaWithProject()
        let before = try ws.status("a")
        for arguments in [#"put projects "$1" "name=$2""#, #"put projects "description=$2""#, #"add projects "$1" channels "$2""#,
                          #"put projects "$2" name=x"#, #"list projects --where "name=$2""#] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", #"bad=$(printf '\#(octal)'); set -- "$1" "$bad"; exec "$0" --replica a.sqlite "# + arguments,
                                 ws.binary.url.path, id]
            process.currentDirectoryURL = ws.folder
            let stderr = Pipe(), stdout = Pipe()
            process.standardError = stderr
            process.standardOutput = stdout
            try process.run()
            process.waitUntilExit()
            let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 1, "\(arguments): \(message)")
            #expect(message.hasPrefix("plansync: argument ") && message.contains("is not valid UTF-8"), "\(arguments): \(message)")
            #expect(stdout.fileHandleForReading.readDataToEndOfFile().isEmpty)
        }
        let after = try ws.status("a")
        #expect(after["state_hash"] as? String == before["state_hash"] as? String)
        #expect(after["outbox"] as? Int == before["outbox"] as? Int)
    }

    @Test func hostileArgumentsNeverCrash() throws {
        let (ws, id) = try Self.replicaWithProject()
        let nasty = ["", "=", "==", "\u{1B}[31mred", String(repeating: "长", count: 40_000), "a\nb", "-", "--", "🌸=🌸"]
        for text in nasty {
            for arguments in [["put", "projects", text], ["put", "projects", id, "name=" + text], ["get", "projects", text],
                              ["add", "projects", id, "channels", text], ["list", text], ["conflicts", "show", text]] {
                let result = try ws.binary.run(["--replica", "a.sqlite"] + arguments, in: ws.folder)
                #expect([0, 1, 2].contains(result.status), "\(arguments.map { $0.prefix(20) }): \(result.status)")
                if result.status == 1 {
                    #expect(result.errorLines.count == 1)
                    #expect(!result.stderr.contains("\u{1B}"), "control characters are not echoed to the terminal")
                }
            }
        }
    }
}
