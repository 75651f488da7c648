import Foundation
import NIOCore
import Planning
import SyncModel
import SyncProtocol
@testable import SyncServer
import SyncStore
import Testing

/// Tokens withdrawn at once, expiry, the per-address hold-back after failed hellos, and the
/// refusal of plain TCP off loopback.
@Suite("token enforcement", .timeLimit(.minutes(1)))
struct TokenEnforcementTests {
    @Test("a revoked token's live session gets auth_failed and is closed")
    func revocationClosesLiveSessions() async throws {
        let daemon = try await TestDaemon.start()
        defer { Task { await daemon.stop() } }
        let revoked = try await daemon.session(node: "n1")
        let other = try await daemon.session(node: "n2", token: TestDaemon.rndToken)
        daemon.log.revokeToken(TestDaemon.salesToken)
        let reply = try await revoked.message(timeout: .seconds(10))
        guard case .error(let error) = reply else { Issue.record("expected an error, got \(reply)"); return }
        #expect(error.code == .authFailed && error.fatal)
        #expect(error.message.contains("revoked"))
        #expect(try await revoked.closedAfterDraining())
        // Another token's session is untouched.
        #expect(try await other.ping(id: 7))
    }

    @Test("an expired token gets auth_failed saying it expired")
    func expiredToken() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("expiry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = try ServerLog(path: folder.appendingPathComponent("s.sqlite").path, schema: PlanningSchema.schema)
        let token = try log.addToken(department: "sales", expiresInDays: 1)
        let daemon = try await TestDaemon.start(storage: log) { configuration in
            let twoDaysAhead = UInt64(Date().timeIntervalSince1970 * 1000) + 2 * 86_400_000
            configuration.wallClock = { twoDaysAhead }
        }
        defer { Task { await daemon.stop() } }
        let client = try await daemon.client()
        try await client.send(.hello(Hello(node: "n1", token: token, schema: PlanningSchema.version)))
        let reply = try await client.message()
        guard case .error(let error) = reply else { Issue.record("expected an error, got \(reply)"); return }
        #expect(error.code == .authFailed && error.message.contains("expired"))
        #expect(try log.tokens().first?.expiresAtMilliseconds != nil)
        #expect(try log.checkToken(token, nowMilliseconds: UInt64(Date().timeIntervalSince1970 * 1000), recordUse: true) == .valid(department: "sales"))
        #expect(try log.tokens().first?.lastUsedAtMilliseconds != nil)
    }

    @Test("failed hellos hold one address back while another syncs")
    func rateLimitPerAddress() async throws {
        let daemon = try await TestDaemon.start { $0.authFailureLimit = 3 }
        defer { Task { await daemon.stop() } }
        for attempt in 0..<3 {
            let client = try await daemon.client()
            try await client.send(.hello(Hello(node: "bad\(attempt)", token: "wrong", schema: PlanningSchema.version)))
            #expect(errorCode(try await client.message()) == .authFailed)
        }
        // Held back: even the right token is refused at once from this address.
        let held = try await daemon.client()
        try await held.send(.hello(Hello(node: "n1", token: TestDaemon.salesToken, schema: PlanningSchema.version)))
        let reply = try await held.message()
        guard case .error(let error) = reply else { Issue.record("expected an error, got \(reply)"); return }
        #expect(error.code == .authFailed && error.message.contains("too many failed authentications"))
        // Another address is not slowed: it authenticates and pushes.
        let other = try await LineClient.connect(port: daemon.port, from: "127.0.0.2")
        try await other.hello(token: TestDaemon.salesToken, node: "n2")
        let ack = try await other.push(id: 1, Ops.create(node: "n2", seq: 1, row: "p1", name: "x"))
        guard case .ack = ack else { Issue.record("expected an ack, got \(ack)"); return }
    }

    @Test("the throttle counts per address within its window and lets go after the hold")
    func throttleValue() {
        var throttle = AuthThrottle(limit: 2, window: .seconds(10), holdBack: .seconds(5))
        let s: Int64 = 1_000_000_000
        let first = throttle.failed("a", now: 0)
        let second = throttle.failed("a", now: 20 * s)    // the first fell out of the window
        let third = throttle.failed("a", now: 21 * s)     // two within 10 s: held back
        let heldA = throttle.heldBack("a", now: 22 * s), heldB = throttle.heldBack("b", now: 22 * s)
        let later = throttle.heldBack("a", now: 26 * s)
        #expect(!first && !second && third)
        #expect(heldA == .seconds(4) && heldB == nil && later == nil)
    }

    @Test("plain TCP off loopback is refused, naming --allow-plaintext")
    func plaintextOffLoopback() async throws {
        #expect(ListenPolicy.refusal(host: "0.0.0.0", tls: false, allowPlaintext: false)?.contains("--allow-plaintext") == true)
        #expect(ListenPolicy.refusal(host: "127.0.0.1", tls: false, allowPlaintext: false) == nil)
        #expect(ListenPolicy.refusal(host: "::1", tls: false, allowPlaintext: false) == nil)
        #expect(ListenPolicy.refusal(host: "0.0.0.0", tls: true, allowPlaintext: false) == nil)
        #expect(ListenPolicy.refusal(host: "0.0.0.0", tls: false, allowPlaintext: true) == nil)
        var configuration = SyncDaemon.Configuration(schema: PlanningSchema.schema, host: "0.0.0.0", port: 0)
        configuration.shutdownGracePeriod = .milliseconds(100)
        let daemon = SyncDaemon(storage: MemoryServerLog(), configuration: configuration)
        await #expect(throws: SyncDaemonError.self) { _ = try await daemon.start() }
    }
}
