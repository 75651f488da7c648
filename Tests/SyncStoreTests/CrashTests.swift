import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import SyncStore
import SyncModel
import Testing

/// Crash safety: a child process (this test binary, re-run in child mode) applies remote batches
/// and writes locally in a loop; it is killed with SIGKILL at random moments, and after each kill
/// the reopened replica must hold every batch fully or not at all, and no dot twice.
@Suite struct CrashTests {
    static let childVariable = "PLANSYNC_CRASH_CHILD"
    static let batchSize: UInt64 = 20

    static var isChild: Bool { ProcessInfo.processInfo.environment[childVariable] != nil }

    /// Whether the test binary can be re-run as a child: on Linux `swift test` runs it directly
    /// (`…PackageTests.xctest --filter … --testing-library swift-testing`); elsewhere a helper
    /// loads it, and the child mode is not wired up.
    static var canRespawn: Bool {
        #if os(Linux)
        return CommandLine.arguments.first?.hasSuffix(".xctest") == true
        #else
        return false
        #endif
    }

    /// The feeder's op at log position `p` (node `feeder`, seq `p`): creates row `feed`, then
    /// alternately adds `p` to its counter (even `p`) and renames it `v<p>` (odd `p`).
    static func feed(_ p: UInt64) -> Op {
        let s = stamp("feeder", p)
        if p == 1 {
            return OpBuilder.set(collection: "projects", row: "feed", field: Op.deletedField, value: .bool(false), current: nil, stamp: s)
        }
        if p % 2 == 0 {
            return OpBuilder.inc(collection: "projects", row: "feed", field: "spent", delta: Int64(p), stamp: s)
        }
        var op = OpBuilder.set(collection: "projects", row: "feed", field: "name", value: .text("v\(p)"), current: nil, stamp: s)
        if p >= 5 { op.replaces = [Dot(node: "feeder", seq: p - 2)] }
        op.department = "feeding"
        op.log = p
        return op
    }

    /// Child mode: runs until killed (or 60 s), writing a marker after its first batch.
    @Test(.enabled(if: CrashTests.isChild))
    func child() throws {
        let path = try #require(ProcessInfo.processInfo.environment[CrashTests.childVariable])
        let store = try ReplicaStore(opening: path, schema: TestSchema.schema)
        let start = Date()
        var first = true
        while Date().timeIntervalSince(start) < 60 {
            let cursor = try store.cursor()
            let batch = (cursor + 1...cursor + CrashTests.batchSize).map(CrashTests.feed)
            try store.applyRemote(batch, cursor: cursor + CrashTests.batchSize)
            try store.increment("projects", id: "local", field: "spent", by: 1)
            if first {
                _ = FileManager.default.createFile(atPath: path + ".ready", contents: Data())
                first = false
            }
        }
    }

    @Test(.enabled(if: !CrashTests.isChild && CrashTests.canRespawn))
    func killedWriterLeavesWholeBatchesAndNoDotTwice() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.path("crash.sqlite")
        let store = try ReplicaStore.create(at: path, identity: ReplicaIdentity(node: "laptop", department: "sales"), schema: TestSchema.schema)
        try store.create("projects", id: "local", fields: [:])
        var rng = SeededGenerator(seed: UInt64(Date().timeIntervalSince1970))
        var lastCursor: UInt64 = 0
        for round in 0..<8 {
            try? FileManager.default.removeItem(atPath: path + ".ready")
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            child.arguments = ["--filter", "CrashTests/child", "--testing-library", "swift-testing"]
            var environment = ProcessInfo.processInfo.environment
            environment[CrashTests.childVariable] = path
            child.environment = environment
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            // Wait until the child has committed something, then kill it at a random moment.
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: path + ".ready"), child.isRunning, Date() < deadline {
                usleep(5_000)
            }
            #expect(child.isRunning, "round \(round): the child stopped before it was killed")
            usleep(UInt32.random(in: 0...150_000, using: &rng))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()

            let reopened = try ReplicaStore(opening: path, schema: TestSchema.schema)
            let cursor = try reopened.cursor()
            #expect(cursor > lastCursor, "round \(round): no batch survived")
            #expect(cursor % CrashTests.batchSize == 0, "round \(round): a partial batch at cursor \(cursor)")
            lastCursor = cursor
            try CrashTests.check(reopened, cursor: cursor, round: round)
        }
    }

    /// The replica holds exactly the feeder's ops 1…cursor and its own outbox ops, each once.
    static func check(_ store: ReplicaStore, cursor: UInt64, round: Int) throws {
        let own = try store.outbox(limit: 100_000)
        #expect(own.map(\.seq) == Array(1...UInt64(own.count)), "round \(round): own seqs have gaps")
        let status = try store.status()
        #expect(status.opsApplied == cursor + UInt64(own.count), "round \(round): applied marks differ from the ops")
        let feed = try #require(try store.row("projects", id: "feed"))
        let evens = stride(from: UInt64(2), through: cursor, by: 2).reduce(Int64(0)) { $0 + Int64($1) }
        #expect(feed.fields["spent"] == .counter(evens), "round \(round): feeder counter applied twice or lost")
        #expect(try store.row("projects", id: "local")?.fields["spent"] == .counter(Int64(own.count - 1)), "round \(round): local counter")
        var model = ReplicaState(schema: TestSchema.schema)
        for op in own { try model.apply(op) }
        for p in 1...cursor { try model.apply(CrashTests.feed(p)) }
        #expect(status.stateHash == model.stateHash, "round \(round): state differs from the model")
        #expect(try store.pragma("integrity_check") == "ok")
    }
}
