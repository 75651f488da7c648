import Foundation
import NIOCore
import SyncModel
import SyncProtocol
import Testing
@testable import SyncServer

/// The daemon's side of `compression`: what it picks, and what it does with a stream that does
/// not inflate or inflates past the line limit.
@Suite("Compression on the daemon")
struct CompressionDaemonTests {
    @Test func aDaemonWithoutCompressionAnswersADeflateOfferPlain() async throws {
        let daemon = try await TestDaemon.start { $0.compression = [] }
        let client = try await daemon.client()
        let welcome = try await client.hello(token: TestDaemon.salesToken, node: "n", compression: ["deflate"])
        #expect(welcome.compression == nil)
        #expect(try await client.ping(id: 1))
        await client.close()
        await daemon.stop()
    }

    @Test func aCompressedSessionPushesAndPulls() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.client()
        let welcome = try await client.hello(token: TestDaemon.salesToken, node: "n", compression: ["deflate"])
        #expect(welcome.compression == .deflate)
        let reply = try await client.push(id: 1, Ops.create(node: "n", seq: 1, row: "p1", name: "Spring"))
        #expect(reply == .ack(Ack(id: 1, accepted: 2, duplicates: 0, head: 2)))
        #expect(try await client.pullAll().map(\.seq) == [1, 2])
        await client.close()
        await daemon.stop()
    }

    @Test func bytesThatDoNotInflateAreBadCompressionAndClose() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.client()
        _ = try await client.hello(token: TestDaemon.salesToken, node: "n", compression: ["deflate"])
        try await client.sendBelowCompression([UInt8](repeating: 0xFF, count: 32))
        let reply = try await client.message()
        guard case .error(let error) = reply else {
            Issue.record("expected an error, got \(reply)")
            return
        }
        #expect(error.code == .badCompression && error.fatal)
        #expect(try await client.closedAfterDraining())
        // The daemon serves others as before.
        let other = try await daemon.session(node: "m")
        #expect(try await other.ping(id: 1))
        await other.close()
        await daemon.stop()
    }

    @Test func aLineThatInflatesPastTheLimitIsLineTooLong() async throws {
        let daemon = try await TestDaemon.start { $0.maxLineBytes = 1 << 20 }
        let client = try await daemon.client()
        _ = try await client.hello(token: TestDaemon.salesToken, node: "n", compression: ["deflate"])
        // 8 MiB of spaces deflate to a few KiB; the limit counts them inflated.
        try await client.sendRaw([UInt8](repeating: UInt8(ascii: " "), count: 8 << 20) + [UInt8(ascii: "\n")])
        let reply = try await client.message()
        #expect(errorCode(reply) == .lineTooLong)
        #expect(try await client.closedAfterDraining())
        await daemon.stop()
    }
}
