import Foundation
import Testing

/// A replica file the user may read but not write (a colleague's copy, the daemon's file owned by
/// its service account): read commands work and change nothing, writes are one clear line.
@Suite struct ReadOnlyReplicaTests {
    /// How to run `plansync` without write access to a 0444 file: directly, unless the tests run
    /// as root (who may write any file); then as `nobody` through setpriv, if that user can run it.
    static let reader: PlanSyncBinary? = {
        guard var binary = try? PlanSyncBinary.locate() else { return nil }
        guard getuid() == 0 else { return binary }
        binary.launcher = ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        let probe = try? binary.run(["--help"], in: FileManager.default.temporaryDirectory)
        return probe?.status == 0 ? binary : nil
    }()

    @Test(.enabled(if: ReadOnlyReplicaTests.reader != nil, "needs a user without write access to the file"))
    func readCommandsWorkOnAFileThatCannotBeWritten() throws {
        let reader = try #require(Self.reader)
        let ws = try Workspace()
        try ws.ok("a", "init", "--node", "a-laptop", "--department", "sales")
        let project = try ws.ok("a", "put", "projects", "name=春季推广")
        let hash = try ws.status("a")["state_hash"] as? String
        let file = ws.folder.appendingPathComponent("a.sqlite").path
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: ws.folder.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: file)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))

        let status = try reader.run(["--replica", "a.sqlite", "status", "--json"], in: ws.folder)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains(hash ?? "-"))
        for arguments in [["get", "projects", project], ["list", "projects"], ["log"], ["conflicts"]] {
            let result = try reader.run(["--replica", "a.sqlite"] + arguments, in: ws.folder)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let write = try reader.run(["--replica", "a.sqlite", "put", "projects", project, "name=x"], in: ws.folder)
        #expect(write.status == 1)
        #expect(write.errorLines == ["plansync: a.sqlite is read-only here; reading works, writing needs write access to it"], "\(write.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == bytes, "nothing was written")
    }

    @Test(.enabled(if: ReadOnlyReplicaTests.reader != nil, "needs a user without write access to the file"))
    func aFileInAFolderThatCannotBeWrittenIsRefusedWithItsReason() throws {
        let reader = try #require(Self.reader)
        let ws = try Workspace()
        try ws.ok("a", "init", "--node", "a-laptop", "--department", "sales")
        let file = ws.folder.appendingPathComponent("a.sqlite").path
        for suffix in ["-wal", "-shm"] { #expect(!FileManager.default.fileExists(atPath: file + suffix), "closed cleanly") }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ws.folder.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: file)

        let status = try reader.run(["--replica", "a.sqlite", "status"], in: ws.folder)
        #expect(status.status == 1)
        #expect(status.errorLines == ["plansync: a.sqlite cannot be read here: its folder is not writable, and SQLite must create "
            + "a.sqlite-shm beside it to read it; copy the file (with its -wal, if there is one) to a folder you may write"], "\(status.stderr)")
    }
}
