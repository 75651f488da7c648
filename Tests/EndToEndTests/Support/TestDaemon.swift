import Foundation
import Planning
import Testing
import SyncModel
import SyncServer
import SyncStore

/// An in-process sync daemon on a free loopback port over a ServerLog file in `folder`, with one
/// token per department.
final class TestDaemon: Sendable {
    let daemon: SyncDaemon
    let log: ServerLog
    let port: Int

    init(in folder: URL, rules: AccessRules = .open, tls: ServerTLSFiles? = nil) async throws {
        log = try ServerLog(path: folder.appendingPathComponent("server.sqlite").path, schema: PlanningSchema.schema)
        var configuration = SyncDaemon.Configuration(schema: PlanningSchema.schema, host: "127.0.0.1", port: 0)
        configuration.shutdownGracePeriod = .seconds(1)
        configuration.rules = rules
        configuration.tls = tls
        daemon = SyncDaemon(storage: log, configuration: configuration)
        port = try await daemon.start()
    }

    var address: String { "127.0.0.1:\(port)" }

    func token(for department: String) throws -> String { try log.addToken(department: department) }

    func stop() async { await daemon.shutdown() }

    /// Backs up `server.sqlite` in `folder` to `backup.sqlite` while the daemon runs, with
    /// `sqlite3 … "VACUUM INTO …"` (the online backup operators take, docs/operations.md).
    static func backUp(in folder: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", "server.sqlite", "VACUUM INTO 'backup.sqlite'"]
        process.currentDirectoryURL = folder
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sqlite3 VACUUM INTO")
    }

    /// Stops this daemon, puts the ``backUp(in:)`` copy in place of its file (its WAL and shared
    /// memory removed), and starts a new daemon on it: a restore from a backup.
    func restored(in folder: URL) async throws -> TestDaemon {
        await stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(at: folder.appendingPathComponent("server.sqlite" + suffix)) }
        try FileManager.default.copyItem(at: folder.appendingPathComponent("backup.sqlite"), to: folder.appendingPathComponent("server.sqlite"))
        return try await TestDaemon(in: folder)
    }
}

/// A loopback port that nothing listens on (bound, then released).
func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
    return Int(UInt16(bigEndian: address.sin_port))
}
