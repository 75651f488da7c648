import Crypto
import Foundation
import Planning
import SyncClient
import SyncModel
import SyncStore
import Testing

/// The client's bootstrap from a compacted daemon over the wire, into a SQLite replica (issue 14).
@Suite("bootstrap over the wire", .timeLimit(.minutes(1)))
struct BootstrapClientTests {
    /// Counts the snapshot pages a proxy passes on.
    final class PageCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var pages = 0
        /// Counts `line` when it is a snapshot page; true for the `cutAt`-th one.
        func cut(_ line: String, at cutAt: Int) -> Bool {
            guard line.contains("\"type\":\"snapshot_page\"") else { return false }
            return lock.withLock { pages += 1; return pages == cutAt }
        }
    }

    @Test("a bootstrap cut off between snapshot pages resumes at the next sync from the last page installed")
    func resumesAfterALostConnection() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bootstrap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withDaemon { daemon in
            let writer = daemon.replica("planning-laptop", department: "planning")
            for i in 0..<12 { _ = try writer.create("projects", ["name": .text("项目 \(i)")]) }
            _ = try await client(writer).sync()
            let horizon = daemon.log.head()
            try daemon.log.compact(through: horizon, schema: PlanningSchema.schema)
            daemon.daemon.noteCompaction(horizon: horizon)

            let counter = PageCounter()
            let proxy = try await DroppingProxy.start(to: daemon.port) { counter.cut($0, at: 3) }
            let path = folder.appendingPathComponent("laptop.sqlite").path
            let laptop = try ReplicaStore.create(at: path, identity: ReplicaIdentity(node: "sales-laptop", department: "sales",
                server: "127.0.0.1:\(proxy.port)", token: daemon.log.addToken(department: "sales")), schema: PlanningSchema.schema)
            let local = try laptop.create("projects", fields: ["name": .text("离线的")])
            let options = plainOptions { $0.pullLimit = 4 }    // 12 snapshot rows: 3 pages; the proxy reads plain lines

            let cut = await failure { _ = try await SyncClient(replica: laptop, schemaVersion: PlanningSchema.version, options: options).sync() }
            #expect(cut?.isTransient == true, "\(String(describing: cut))")
            // Two pages are in the file beside; the replica in use is as it was.
            #expect(FileManager.default.fileExists(atPath: path + ".bootstrap"))
            #expect(try laptop.cursor() == 0 && laptop.bootstrappedFrom() == nil)
            #expect(try laptop.row("projects", id: local) != nil)

            try laptop.setServer(daemon.address, token: try laptop.identity().token)
            let summary = try await SyncClient(replica: laptop, schemaVersion: PlanningSchema.version, options: options).sync()
            #expect(summary.bootstrapped == horizon)
            #expect(summary.snapshotRows == 4, "the resumed transfer fetched the installed pages again")
            #expect(try laptop.bootstrappedFrom() == horizon)
            #expect(!FileManager.default.fileExists(atPath: path + ".bootstrap"))
            #expect(try laptop.outboxCount() == 0 && laptop.cursor() == daemon.log.head())
            #expect(try laptop.rows("projects").count == 13)
            let daemonForm = try daemon.log.canonicalForm(of: "sales", rules: .open, schema: PlanningSchema.schema)
            #expect(try laptop.stateHash() == SHA256.hash(data: Data(daemonForm.utf8)).map { String(format: "%02x", $0) }.joined())
        }
    }

    @Test("a watcher whose subscription reaches behind the horizon while a push is in flight takes its ack, then bootstraps and watches on")
    func subscriptionBehindTheHorizonWithAPushInFlight() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bootstrap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withDaemon { daemon in
            let writer = daemon.replica("planning-laptop", department: "planning")
            for i in 0..<3 { _ = try writer.create("projects", ["name": .text("项目 \(i)")]) }
            _ = try await client(writer).sync()
            let store = try ReplicaStore.create(at: folder.appendingPathComponent("laptop.sqlite").path, identity: ReplicaIdentity(node: "sales-laptop",
                department: "sales", server: daemon.address, token: daemon.log.addToken(department: "sales")), schema: PlanningSchema.schema)
            _ = try await SyncClient(replica: store, schemaVersion: PlanningSchema.version, options: testOptions()).sync()
            for i in 3..<6 { _ = try writer.create("projects", ["name": .text("项目 \(i)")]) }
            _ = try await client(writer).sync()
            let horizon = daemon.log.head()
            try daemon.log.compact(through: horizon, schema: PlanningSchema.schema)
            daemon.daemon.noteCompaction(horizon: horizon)

            // The first outbox read of the watch comes right after its `subscribe` went out: a
            // local write then is pushed behind it, and its ack follows the subscribe's refusal.
            let local = HookedReplica(store) { _ = try store.create("departments", fields: ["name": .text("销售部")]) }
            let events = EventLog()
            let watching = Task { try await SyncClient(replica: local, schemaVersion: PlanningSchema.version,
                                                       options: testOptions { $0.onEvent = events.handler }).watch() }
            defer { watching.cancel() }
            #expect(try await eventually { try store.outboxCount() == 0 && store.rows("projects").count == 6 && store.bootstrappedFrom() == horizon })
            #expect(daemon.log.head() == horizon + 2, "the local write reached the daemon once")
            // Still watching: a commit made now arrives.
            let late = try writer.create("projects", ["name": .text("后来的")])
            _ = try await client(writer).sync()
            #expect(try await eventually { try store.row("projects", id: late) != nil })
            #expect(!events.all.contains { if case .disconnected = $0 { true } else { false } }, "\(events.all)")
            watching.cancel()
            try await watching.value
        }
    }

    @Test("own acknowledged ops a restored daemon lacks and the op record no longer holds fail the sync, naming them")
    func ownOpsLostWithTheirRecordAreReported() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("own-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await withDaemon { daemon in
            let store = try ReplicaStore.create(at: folder.appendingPathComponent("laptop.sqlite").path, identity: ReplicaIdentity(node: "sales-laptop",
                department: "sales", server: daemon.address, token: daemon.log.addToken(department: "sales")), schema: PlanningSchema.schema)
            _ = try store.create("goals", fields: ["title": .text("g2")])
            _ = try store.create("goals", fields: ["title": .text("g3")])
            _ = try await SyncClient(replica: store, schemaVersion: PlanningSchema.version, options: testOptions()).sync()
            #expect(try store.outboxCount() == 0)
            return store
        }
        // `plansync compact --keep-days 0`: the op record goes, and with it what could be sent again.
        _ = try store.trimHistory(keepDays: 0, nowMilliseconds: .max)
        // The daemon comes back from a backup taken before those ops.
        try await withDaemon { restored in
            try store.setServer(restored.address, token: restored.log.addToken(department: "sales"))
            let error = await failure { _ = try await SyncClient(replica: store, schemaVersion: PlanningSchema.version, options: testOptions()).sync() }
            guard case .ownHistoryLost(let missing, let through)? = error else { Issue.record("expected ownHistoryLost, got \(String(describing: error))"); return }
            #expect(missing == 4 && through == 4)
            #expect(restored.log.head() == 0)
        }
    }
}
