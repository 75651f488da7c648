import Foundation
import Planning
import SyncClient
import SyncModel
import SyncServer
import Testing

/// Certificates made inside the test: a CA, server certificates it signs (good, for another
/// name, expired) and a self-signed one, written as PEM files in a temporary folder.
struct TLSFixture {
    let folder: URL
    let authority: CertificateFactory.Issued
    let caPath: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        authority = try CertificateFactory.authority(name: "PlanSync Test CA")
        caPath = folder.appendingPathComponent("ca.pem").path
        try Data(authority.certificatePEM.utf8).write(to: URL(fileURLWithPath: caPath))
    }

    /// Writes `issued` as NAME-cert.pem and NAME-key.pem.
    func files(_ issued: CertificateFactory.Issued, name: String) throws -> ServerTLSFiles {
        let cert = folder.appendingPathComponent("\(name)-cert.pem").path, key = folder.appendingPathComponent("\(name)-key.pem").path
        try Data(issued.certificatePEM.utf8).write(to: URL(fileURLWithPath: cert))
        try Data(issued.privateKeyPEM.utf8).write(to: URL(fileURLWithPath: key))
        return ServerTLSFiles(certificatePath: cert, keyPath: key)
    }

    func signed(hosts: [String] = ["localhost", "127.0.0.1"], name: String = "server",
                notBefore: Date = Date() - 3600, notAfter: Date = Date() + 86_400) throws -> ServerTLSFiles {
        try files(CertificateFactory.server(hosts: hosts, signedBy: authority, notBefore: notBefore, notAfter: notAfter), name: name)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

@Suite("TLS", .timeLimit(.minutes(1)))
struct TLSTests {
    /// Syncs a fresh replica of `daemon` at `host` with `trust`; the error, nil when it worked.
    func trySync(_ daemon: TestDaemon, host: String = "localhost", trust: ServerTrust?) async -> SyncClientError? {
        let replica = daemon.replica("n-\(UUID().uuidString.prefix(6))", department: "sales", server: "\(host):\(daemon.port)")
        return await failure { _ = try await client(replica, testOptions { $0.tls = trust }).sync() }
    }

    @Test("a row travels over TLS to a client trusting the company CA")
    func companyCA() async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let files = try fixture.signed()
        try await withDaemon(configure: { $0.tls = files }) { daemon in
            let a = daemon.replica("a", department: "sales", server: "localhost:\(daemon.port)")
            let b = daemon.replica("b", department: "sales", server: "127.0.0.1:\(daemon.port)")
            let trust = ServerTrust.certificateAuthority(path: fixture.caPath)
            let id = try a.create("projects", ["name": .text("over-tls")])
            _ = try await client(a, testOptions { $0.tls = trust }).sync()
            _ = try await client(b, testOptions { $0.tls = trust }).sync()
            #expect(b.row("projects", id) != nil)
        }
    }

    @Test("a pinned self-signed certificate is trusted; another pin is refused naming both")
    func pinnedSelfSigned() async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let issued = try CertificateFactory.selfSigned(hosts: ["localhost"])
        let files = try fixture.files(issued, name: "self")
        try await withDaemon(configure: { $0.tls = files }) { daemon in
            #expect(await trySync(daemon, trust: .pinned(sha256: issued.fingerprint)) == nil)
            // A pin ignores names: the certificate is for localhost, the client dials 127.0.0.1.
            let byAddress = await trySync(daemon, host: "127.0.0.1", trust: .pinned(sha256: issued.fingerprint))
            #expect(byAddress == nil, "\(String(describing: byAddress))")
            let wrong = String(repeating: "0", count: 64)
            let error = await trySync(daemon, trust: .pinned(sha256: wrong))
            guard case .tls(let message) = error else { Issue.record("expected a TLS error, got \(String(describing: error))"); return }
            #expect(message.contains("wrong pin") && message.contains(issued.fingerprint))
            #expect(!(error?.isTransient ?? true))
        }
    }

    @Test("each certificate failure names its cause", arguments: ["unknown CA", "host name mismatch", "expired certificate"])
    func failuresNameTheirCause(cause: String) async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let files: ServerTLSFiles
        var trust = ServerTrust.certificateAuthority(path: fixture.caPath)
        switch cause {
        case "unknown CA":
            files = try fixture.signed()
            let stranger = try CertificateFactory.authority(name: "Somebody Else")
            let path = fixture.folder.appendingPathComponent("other-ca.pem").path
            try Data(stranger.certificatePEM.utf8).write(to: URL(fileURLWithPath: path))
            trust = .certificateAuthority(path: path)
        case "host name mismatch":
            files = try fixture.signed(hosts: ["planning.example.com"])
        default:
            files = try fixture.signed(notBefore: Date() - 10 * 86_400, notAfter: Date() - 86_400)
        }
        try await withDaemon(configure: { $0.tls = files }) { daemon in
            let error = await trySync(daemon, trust: trust)
            guard case .tls(let message) = error else { Issue.record("expected a TLS error, got \(String(describing: error))"); return }
            #expect(message.hasPrefix(cause), "\(message)")
            #expect(!message.contains("\n"))
        }
    }

    @Test("a plain client on a TLS port and a TLS client on a plain port are told so")
    func wrongTransport() async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let files = try fixture.signed()
        try await withDaemon(configure: { $0.tls = files }) { daemon in
            // A close before welcome may also be a daemon restarting: a transient failure, with the hint.
            let error = await trySync(daemon, trust: nil)
            guard case .network(.closed, let message) = error else { Issue.record("expected a lost connection, got \(String(describing: error))"); return }
            #expect(message.contains("TLS port"), "\(message)")
            #expect(error?.isTransient == true)
        }
        try await withDaemon { daemon in
            let error = await trySync(daemon, trust: .certificateAuthority(path: fixture.caPath))
            guard case .tls(let message) = error else { Issue.record("expected a TLS error, got \(String(describing: error))"); return }
            #expect(message.contains("plain TCP"), "\(message)")
        }
    }

    @Test("revoking the token ends a live watch with auth_failed; a later write stays in the outbox")
    func revocationEndsWatch() async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let files = try fixture.signed()
        try await withDaemon(configure: { $0.tls = files }) { daemon in
            let token = "revoke-me-" + String(repeating: "a", count: 20)
            daemon.log.addToken(token, department: "sales")
            let watcher = MemoryReplica(node: "w", department: "sales", server: "localhost:\(daemon.port)", token: token,
                                        schema: PlanningSchema.schema)
            let events = EventLog()
            let options = testOptions { $0.tls = .certificateAuthority(path: fixture.caPath); $0.onEvent = events.handler }
            let watching = Task { try await client(watcher, options).watch() }
            defer { watching.cancel() }
            #expect(try await eventually { daemon.log.head() == 0 && events.all.contains { if case .connected = $0 { true } else { false } } })
            daemon.log.revokeToken(token)
            let error = await failure { try await watching.value }
            #expect(error?.serverCode == .authFailed, "\(String(describing: error))")
            _ = try watcher.create("projects", ["name": .text("after revocation")])
            #expect(try watcher.outboxCount() > 0)
        }
    }
}

@Suite("TLS renewal", .timeLimit(.minutes(1)))
struct TLSRenewalTests {
    @Test("a renewed certificate is served to new connections without a restart")
    func reload() async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let old = try CertificateFactory.selfSigned(hosts: ["localhost"])
        let files = try fixture.files(old, name: "live")
        try await withDaemon(configure: { $0.tls = files; $0.certificateRecheckInterval = .seconds(3600) }) { daemon in
            func sync(pin: String) async -> SyncClientError? {
                let replica = daemon.replica("n-\(UUID().uuidString.prefix(6))", department: "sales", server: "localhost:\(daemon.port)")
                return await failure { _ = try await client(replica, testOptions { $0.tls = .pinned(sha256: pin) }).sync() }
            }
            #expect(await sync(pin: old.fingerprint) == nil)
            let renewed = try CertificateFactory.selfSigned(hosts: ["localhost"])
            _ = try fixture.files(renewed, name: "live")
            try daemon.daemon.reloadCertificate()       // what SIGHUP does
            #expect(await sync(pin: renewed.fingerprint) == nil)
            guard case .tls(let message)? = await sync(pin: old.fingerprint) else { Issue.record("the old pin still passed"); return }
            #expect(message.hasPrefix("wrong pin"))
        }
    }
}
