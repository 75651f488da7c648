import Foundation
import NIOPosix
import Planning
import SyncModel
import SyncProtocol
import SyncServer
import Testing
@testable import SyncClient

/// The client's side of `compression`: it offers deflate by default, switches at `welcome`, and
/// syncs the same with or without it.
@Suite("Compression on the client")
struct CompressionTests {
    private func open(_ replica: MemoryReplica, _ options: SyncClientOptions) async throws -> SessionConnection {
        let target = try SessionTarget(identity: try replica.identity(), options: options, schemaVersion: PlanningSchema.version)
        return try await SessionConnection.open(target, group: MultiThreadedEventLoopGroup.singleton, options: options)
    }

    @Test func theDefaultOptionsOfferDeflateAndTheSessionUsesIt() async throws {
        try await withDaemon { daemon in
            let connection = try await open(daemon.replica("laptop", department: "sales"), testOptions())
            #expect(connection.compression == .deflate)
            let reply = try await connection.request({ $0.ping() }, awaiting: "pong")
            guard case .pong = reply else { Issue.record("expected pong, got \(reply)"); return }
            await connection.close()
        }
    }

    @Test func withoutAnOfferOrAgainstADaemonWithoutItTheSessionIsPlain() async throws {
        try await withDaemon { daemon in
            let connection = try await open(daemon.replica("laptop", department: "sales"), plainOptions())
            #expect(connection.compression == nil)
            await connection.close()
        }
        try await withDaemon(configure: { $0.compression = [] }) { daemon in
            let connection = try await open(daemon.replica("laptop", department: "sales"), testOptions())
            #expect(connection.compression == nil)
            let reply = try await connection.request({ $0.ping() }, awaiting: "pong")
            guard case .pong = reply else { Issue.record("expected pong, got \(reply)"); return }
            await connection.close()
        }
    }

    @Test func aCompressedWriterAndAPlainReaderConverge() async throws {
        try await withDaemon { daemon in
            let writer = daemon.replica("writer", department: "planning")
            for i in 0..<300 {
                let id = try writer.create("projects", ["name": .text("项目 \(i)"), "budget_planned": .integer(Int64(80_000_000 + i))])
                try writer.inc("projects", id, "budget_spent", by: 1_200)
            }
            let pushed = try await client(writer, testOptions { $0.pushBatchSize = 100 }).sync()
            #expect(pushed.pushed == 1_200)
            let reader = daemon.replica("reader", department: "sales")
            let plain = try await client(reader, plainOptions { $0.pullLimit = 250 }).sync()
            #expect(plain.pulled == 1_200)
            let other = daemon.replica("other", department: "rnd")
            let compressed = try await client(other, testOptions { $0.pullLimit = 250 }).sync()
            #expect(compressed.pulled == 1_200)
            #expect(try reader.stateHash() == writer.stateHash())
            #expect(try other.stateHash() == writer.stateHash())
        }
    }
}
