import Foundation
import PostgresTestSupport
import Testing

/// `plansyncd … --postgres URL` as an operator types it: mistakes are one line and exit 1, never
/// a crash; on a real server the token commands work on the database.
@Suite struct PostgresCLITests {
    /// A loopback port nothing listens on: connecting is refused at once.
    static let unreachable = "postgres://postgres@127.0.0.1:1/postgres"

    @Test func mistakesAreOneLineAndChangeNothing() throws {
        let ws = try Workspace()
        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        let cases: [([String], String)] = [
            (["token", "list", "--data", "x.sqlite", "--postgres", Self.unreachable], "plansyncd: --data and --postgres exclude each other: give one"),
            (["serve", "--port", "0", "--data", "x.sqlite", "--postgres", Self.unreachable], "plansyncd: --data and --postgres exclude each other: give one"),
            (["compact", "--keep-days", "3", "--postgres", Self.unreachable],
             "plansyncd: plansyncd compact does not work with --postgres yet; it works on a SQLite daemon file only"),
            (["hash", "--department", "sales", "--postgres", Self.unreachable],
             "plansyncd: plansyncd hash does not work with --postgres yet; it works on a SQLite daemon file only"),
            (["serve", "--port", "0", "--keep-days", "2", "--postgres", Self.unreachable],
             "plansyncd: --keep-days does not work with --postgres yet (no compaction on PostgreSQL)"),
            (["token", "list", "--postgres", "http://db/plansync"],
             "plansyncd: --postgres: bad PostgreSQL URL: expected postgres://USER@HOST:PORT/DATABASE, got scheme http"),
            (["token", "add", "--department", "sales", "--postgres", "postgres://db.example/plansync"],
             "plansyncd: --postgres: bad PostgreSQL URL: no user (postgres://USER@HOST/DATABASE)"),
            (["token", "list", "--postgres", "postgres://u@db:99999/plansync"], "plansyncd: --postgres: bad PostgreSQL URL: port 99999 is out of range"),
        ]
        for (arguments, line) in cases {
            let result = try plansyncd.run(arguments, in: ws.folder)
            #expect(result.status == 1, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.errorLines == [line], "\(arguments)")
        }
        // A server that cannot be reached: one line naming it, for serve and the token commands.
        for arguments in [["token", "add", "--department", "sales", "--postgres", Self.unreachable],
                          ["serve", "--port", "0", "--postgres", Self.unreachable]] {
            let result = try plansyncd.run(arguments, in: ws.folder)
            #expect(result.status == 1, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.errorLines.count == 1 && result.errorLines.first?.hasPrefix("plansyncd: postgres://postgres@127.0.0.1:1/postgres: cannot reach PostgreSQL: ") == true,
                    "\(arguments): \(result.stderr)")
        }
        #expect(!ws.exists("x.sqlite") && !ws.exists("plansync-server.sqlite"))
    }

    @Test(.enabled(if: PostgresTestServer.enabled, Comment(rawValue: PostgresTestServer.skipReason)))
    func tokenCommandsWorkOnTheDatabase() throws {
        let ws = try Workspace()
        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        try PostgresTestServer.withDatabase { url in
            let postgres = ["--postgres", "\(url)"]
            let added = try plansyncd.run(["token", "add", "--department", "sales", "--expires", "30"] + postgres, in: ws.folder)
            #expect(added.status == 0, "\(added.stderr)")
            let token = added.stdout.split(separator: "\n").last.map(String.init) ?? ""
            #expect(token.count == 64)
            let listed = try plansyncd.run(["token", "list", "--json"] + postgres, in: ws.folder)
            #expect(listed.status == 0 && listed.stdout.contains("\"department\" : \"sales\"") && !listed.stdout.contains(token), "\(listed.stdout)")
            let id = try #require(added.stdout.firstMatch(of: /\(id ([0-9a-f]{8})\)/)?.1)
            let revoked = try plansyncd.run(["token", "revoke", String(id)] + postgres, in: ws.folder)
            #expect(revoked.status == 0, "\(revoked.stderr)")
            let after = try plansyncd.run(["token", "list"] + postgres, in: ws.folder)
            #expect(after.stdout.contains("revoked"), "\(after.stdout)")
            let missing = try plansyncd.run(["token", "revoke", "ffffffff"] + postgres, in: ws.folder)
            #expect(missing.status == 1 && missing.errorLines == ["plansyncd: no token ffffffff"], "\(missing.stderr)")
            #expect(!ws.exists("plansync-server.sqlite"))
        }
    }
}
