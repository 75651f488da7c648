import NIOCore
@testable import SyncClient
import SyncModel
import Testing

@Suite("small values")
struct ValueTests {
    @Test("backoff doubles up to its cap and starts over after reset")
    func backoff() {
        var b = Backoff(initial: .milliseconds(100), cap: .milliseconds(500))
        let steps = (0..<5).map { _ in b.next().nanoseconds / 1_000_000 }
        #expect(steps == [100, 200, 400, 500, 500])
        b.reset()
        #expect(b.next() == .milliseconds(100))
    }

    @Test("jittered backoff stays between half and all of the doubling, capped delay")
    func jitteredBackoff() {
        var b = Backoff(initial: .milliseconds(100), cap: .milliseconds(500))
        var random = SystemRandomNumberGenerator()
        let full: [Int64] = [100, 200, 400, 500, 500, 500]
        for ms in full {
            let delay = b.next(jitter: &random).nanoseconds
            #expect(delay >= ms * 500_000 && delay <= ms * 1_000_000, "\(delay) for \(ms) ms")
        }
    }

    @Test("pins parse as 64 hex digits, colons allowed; trust survives its stored form")
    func serverTrust() {
        let hex = String(repeating: "aB", count: 32)
        #expect(ServerTrust.pin(parsing: hex) == .pinned(sha256: hex.lowercased()))
        #expect(ServerTrust.pin(parsing: stride(from: 0, to: 64, by: 2).map { i in String(Array(hex)[i...i + 1]) }.joined(separator: ":")) != nil)
        #expect(ServerTrust.pin(parsing: "abc") == nil)
        for trust in [ServerTrust.systemRoots, .certificateAuthority(path: "/etc/ca.pem"), .pinned(sha256: hex.lowercased())] {
            #expect(ServerTrust(stored: trust.stored) == trust)
        }
    }

    @Test("server addresses parse host:port and refuse the rest", arguments: [
        ("127.0.0.1:7420", "127.0.0.1", 7420), ("sync.example.com:1", "sync.example.com", 1), ("[::1]:7420", "::1", 7420),
    ])
    func addresses(text: String, host: String, port: Int) throws {
        let address = try ServerAddress(parsing: text)
        #expect(address.host == host && address.port == port)
        #expect(address.description == text)
    }

    @Test("malformed addresses are configuration errors", arguments: ["localhost", ":7420", "host:", "host:0", "host:65536", "host:+80", "host:7x",
                                                                 "http://127.0.0.1:7420", "user@host:7420", "::1:7420", "host/path:7420"])
    func badAddresses(text: String) {
        #expect(throws: SyncClientError.self) { try ServerAddress(parsing: text) }
    }

    @Test("clock drift is local minus server, in milliseconds")
    func drift() throws {
        let server = try HLCTimestamp(milliseconds: 1_000_000, counter: 3)
        #expect(ClockCheck.drift(server: server, wallMilliseconds: 1_090_000) == 90_000)
        #expect(ClockCheck.drift(server: server, wallMilliseconds: 940_000) == -60_000)
    }

    @Test("only network trouble and a busy or failing daemon are worth a retry")
    func transient() {
        #expect(SyncClientError.network(.refused, "x").isTransient)
        #expect(SyncClientError.server(code: .shuttingDown, message: "").isTransient)
        #expect(!SyncClientError.server(code: .authFailed, message: "").isTransient)
        #expect(!SyncClientError.server(code: .seqGap, message: "").isTransient)
        #expect(!SyncClientError.cancelled.isTransient)
    }
}
