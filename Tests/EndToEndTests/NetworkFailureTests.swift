import Foundation
import Testing

/// Sync failures exit 3 with one line naming the reason, and lose nothing.
@Suite struct NetworkFailureTests {
    @Test func unreachableServerFailsFastWithExitThree() throws {
        let ws = try Workspace()
        let port = try closedPort()
        try ws.ok("a", "init", "--node", "a", "--department", "sales", "--server", "127.0.0.1:\(port)", "--token", "x")
        try ws.ok("a", "put", "projects", "name=x")
        let started = Date()
        let result = try ws.on("a", "sync")
        #expect(result.status == 3)
        #expect(result.errorLines.count == 1 && result.stderr.contains("connection refused"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 15, "a clear error within seconds, not a hang")
        #expect(try ws.status("a")["outbox"] as? Int == 2, "nothing unsent is lost")
    }

    @Test func refusedTokenNamesTheCode() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        try ws.ok("a", "init", "--node", "a", "--department", "sales", "--server", daemon.address, "--token", "not-a-token")
        let result = try ws.on("a", "sync")
        #expect(result.status == 3)
        #expect(result.errorLines.count == 1 && result.stderr.contains("server refused: auth_failed"), "\(result.stderr)")
        let override = try ws.on("a", "sync", "--token", try daemon.token(for: "sales"))
        #expect(override.status == 0, "\(override.stderr)")
        #expect(try ws.on("a", "sync").status == 3, "an override is for one run")
        #expect(try ws.on("a", "sync", "--token", try daemon.token(for: "sales"), "--remember").status == 0)
        #expect(try ws.on("a", "sync").status == 0, "--remember keeps it")
        await daemon.stop()
    }
}
