import Foundation
import Testing

/// `plansyncd token …` as an operator types it.
@Suite struct DaemonTokenTests {
    /// Listing or revoking on a mistyped `--data` path is one clear line and creates no file; only
    /// `token add` (or `serve`) makes a new daemon file.
    @Test func listAndRevokeNeverCreateTheDaemonFile() throws {
        let ws = try Workspace()
        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        for arguments in [["token", "list", "--data", "typo.sqlite"], ["token", "list", "--json", "--data", "typo.sqlite"],
                          ["token", "revoke", "1a2b", "--data", "typo.sqlite"]] {
            let result = try plansyncd.run(arguments, in: ws.folder)
            #expect(result.status == 1, "\(arguments): \(result.status) \(result.stdout)")
            #expect(result.errorLines == ["plansyncd: no daemon file at typo.sqlite; plansyncd token add or plansyncd serve creates it"],
                    "\(arguments): \(result.stderr)")
            #expect(!ws.exists("typo.sqlite"), "\(arguments)")
        }
        let added = try plansyncd.run(["token", "add", "--department", "sales", "--data", "server.sqlite"], in: ws.folder)
        #expect(added.status == 0 && ws.exists("server.sqlite"), "\(added.stderr)")
        let listed = try plansyncd.run(["token", "list", "--data", "server.sqlite"], in: ws.folder)
        #expect(listed.status == 0 && listed.stdout.contains("\tsales\t"), "\(listed.stdout)")
    }
}
