import Foundation
import SyncServer
import SyncStore
import Testing

/// TLS and token withdrawal as an operator and a department laptop meet them on the command line.
@Suite struct DeploymentTests {
    /// `plansyncd cert create` → `serve` with it (in process) → `init --tls --pin` → sync; a wrong
    /// pin is one line and exit 3.
    @Test func pinnedSelfSignedCertificateFromTheCLI() async throws {
        let ws = try Workspace()
        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        let created = try plansyncd.run(["cert", "create", "--host", "localhost", "--host", "127.0.0.1", "--out", "cert"], in: ws.folder)
        #expect(created.status == 0, "\(created.stderr)")
        let pin = created.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(pin.count == 64 && pin.allSatisfy(\.isHexDigit), "\(created.stdout)")
        let files = ServerTLSFiles(certificatePath: ws.folder.appendingPathComponent("cert/plansyncd-cert.pem").path,
                                   keyPath: ws.folder.appendingPathComponent("cert/plansyncd-key.pem").path)
        let daemon = try await TestDaemon(in: ws.folder, tls: files)
        let token = try daemon.token(for: "sales")
        try ws.ok("a", "init", "--node", "a-laptop", "--department", "sales", "--server", "localhost:\(daemon.port)", "--token", token, "--tls", "--pin", pin)
        #expect(try ws.status("a")["tls"] as? String == "pin:\(pin)")
        try ws.ok("a", "put", "projects", "name=over-tls")
        try ws.ok("a", "sync")
        try ws.ok("a", "config", "--tls", "--pin", String(repeating: "ab", count: 32))
        let refused = try ws.on("a", "sync")
        #expect(refused.status == 3)
        #expect(refused.errorLines.count == 1 && refused.stderr.contains("wrong pin"), "\(refused.stderr)")
        try ws.ok("a", "config", "--no-tls")
        let plain = try ws.on("a", "sync")
        #expect(plain.status == 3 && plain.stderr.contains("TLS port"), "\(plain.stderr)")
        await daemon.stop()
    }

    /// Plain TCP off loopback is refused at start, in one line naming `--allow-plaintext`.
    @Test func plaintextOffLoopbackIsRefused() throws {
        let ws = try Workspace()
        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        let result = try plansyncd.run(["serve", "--host", "0.0.0.0", "--port", "0", "--data", "p.sqlite"], in: ws.folder)
        #expect(result.status == 1)
        #expect(result.errorLines.count == 1 && result.stderr.contains("--allow-plaintext"), "\(result.stderr)")
        #expect(!ws.exists("p.sqlite"))
    }

    /// Revoking the token ends a live `sync --watch` with exit 3 and `auth_failed`; what the laptop
    /// writes next stays in its outbox.
    @Test func revocationStopsALiveWatch() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        let token = try daemon.token(for: "sales")
        try ws.ok("a", "init", "--node", "a-laptop", "--department", "sales", "--server", daemon.address, "--token", token)
        let watch = try ws.binary.start(["--replica", "a.sqlite", "sync", "--watch"], in: ws.folder)
        #expect(watch.wait(upTo: 20) { $0.stdoutSoFar.contains("watching for changes") })
        #expect(watch.wait(upTo: 20) { _ in (try? daemon.log.tokens().first?.lastUsedAtMilliseconds) != nil })
        try daemon.log.revokeToken(try daemon.log.tokens()[0].id)
        let stopped = watch.wait(upTo: 20) { !$0.process.isRunning }
        if !stopped { watch.interrupt() }
        let result = try watch.finish()
        #expect(stopped && result.status == 3, "\(result.status) \(result.stderr)")
        #expect(result.stderr.contains("auth_failed") && result.stderr.contains("revoked"), "\(result.stderr)")
        try ws.ok("a", "put", "projects", "name=after")
        let unsent = try ws.status("a")["outbox"] as? Int ?? 0
        #expect(unsent > 0)
        #expect(try ws.on("a", "sync").status == 3)
        #expect(try ws.status("a")["outbox"] as? Int == unsent)
        await daemon.stop()
    }
}
