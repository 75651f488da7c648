import Foundation
import GRDB
@testable import SyncStore
import SyncModel
import TestSupport
import Testing

/// `ReplicaStore.bootstrap` on real files (issue 14): a laptop behind a compacted daemon log is
/// rebuilt beside itself from the snapshot's pages and the log after the horizon, then swapped in
/// with its unsent ops, identity, seq, clock, server and token.
@Suite struct BootstrapTests {
    let dir: TempDir
    let log: ServerLog
    let laptop: ReplicaStore
    /// The laptop's own unsent rows.
    let localRow: String

    /// Node `a` makes 5 rows (created, named twice, counted), the log is compacted through all but
    /// its last 3 ops; the laptop (never synced) has 5 unsent ops of its own.
    init() throws {
        dir = try TempDir()
        log = try ServerLog(path: dir.path("server.sqlite"), schema: TestSchema.schema)
        var seq: UInt64 = 1
        for r in 0..<5 {
            var rename = OpBuilder.set(collection: "projects", row: "a-\(r)", field: "name", value: .text("第二 \(r)"), current: nil, stamp: stamp("a", seq + 2))
            rename.replaces = [Dot(node: "a", seq: seq + 1)]
            let ops = ServerLogTests.ops("a", from: seq, row: "a-\(r)") + [rename,
                OpBuilder.inc(collection: "projects", row: "a-\(r)", field: "spent", delta: 7, stamp: stamp("a", seq + 3))]
            _ = try log.commit(ops, pushedBy: "a", department: "rnd", schema: TestSchema.schema,
                               wallMilliseconds: ServerLogTests.wall, maxSkewMilliseconds: ServerLogTests.skew)
            seq += 4
        }
        try log.compact(.before(position: try log.head() - 2), schema: TestSchema.schema)
        laptop = try ReplicaStore.salesLaptop(in: dir)
        try laptop.setServer("sync.example:7420", token: "tok-123")
        localRow = try laptop.create("projects", fields: ["name": .text("本地"), "status": .text("active")])
        try laptop.increment("projects", id: localRow, field: "spent", by: 5)
        try laptop.add("projects", id: localRow, field: "channels", element: "广播")
    }

    var horizon: UInt64 { get throws { try log.horizon() } }

    /// Begins (or resumes) the laptop's bootstrap at the daemon's snapshot.
    func begin() throws -> any SnapshotBootstrap {
        let first = try log.snapshotPage(horizon: nil, after: nil, limit: 1, maxBytes: 1 << 20, readable: { _ in true })
        return try laptop.bootstrap(horizon: first.horizon, versionVector: first.versionVector)
    }

    /// Installs up to `pages` pages of 2 records from where the bootstrap stands; returns how many.
    @discardableResult
    func install(_ bootstrap: any SnapshotBootstrap, pages: Int = .max) throws -> Int {
        var installed = 0
        while installed < pages, try !bootstrap.isComplete() {
            let page = try log.snapshotPage(horizon: bootstrap.horizon, after: try bootstrap.resumeAfter(), limit: 2, maxBytes: 1 << 20, readable: { _ in true })
            try bootstrap.install(page.records, next: page.next, complete: !page.more)
            installed += 1
        }
        return installed
    }

    /// The log after the horizon into the bootstrap.
    func catchUp(_ bootstrap: any SnapshotBootstrap) throws {
        let ops = try log.ops(since: try bootstrap.cursor(), limit: 1_000)
        if let last = ops.last?.log { try bootstrap.applyRemote(ops, cursor: last) }
    }

    /// The hash the laptop must show: the daemon's state with the laptop's unsent ops on top.
    func expectedHash(outbox: [Op]) throws -> String {
        var state = try log.snapshotState(schema: TestSchema.schema).state
        for op in try log.ops(since: try horizon, limit: 1_000) { try state.apply(op.content) }
        for op in outbox { try state.apply(op) }
        return state.stateHash
    }

    func clock(_ store: ReplicaStore) throws -> HLCTimestamp {
        try store.read { db in try IdentityRecord.read(db, clock: true).hlc }
    }

    var sidePath: String { dir.path("r.sqlite.bootstrap") }

    @Test func theSwappedReplicaCarriesUnsentOpsIdentitySeqClockServerAndToken() throws {
        defer { dir.cleanup() }
        let outbox = try laptop.outbox(limit: 100)
        let lastSeq = try laptop.lastOwnSeq()
        let clockBefore = try clock(laptop)
        #expect(outbox.count == 5 && lastSeq == 5)
        let bootstrap = try begin()
        #expect(try install(bootstrap) == 3)            // 5 rows, 2 a page: the premise of paging
        #expect(try bootstrap.cursor() == horizon)
        try catchUp(bootstrap)
        // Until the swap, the replica in use is untouched.
        #expect(try laptop.cursor() == 0 && laptop.bootstrappedFrom() == nil)
        try bootstrap.finish()

        #expect(try laptop.bootstrappedFrom() == horizon)
        #expect(!FileManager.default.fileExists(atPath: sidePath))
        let identity = try laptop.identity()
        #expect(identity.node == "sales-laptop" && identity.department == "sales")
        #expect(identity.server == "sync.example:7420" && identity.token == "tok-123")
        #expect(try laptop.outbox(limit: 100) == outbox)
        #expect(try laptop.cursor() == log.head())
        #expect(try clock(laptop) >= clockBefore)
        #expect(try laptop.stateHash() == expectedHash(outbox: outbox))
        #expect(try laptop.row("projects", id: "a-3")?.fields["spent"] == .counter(7))
        #expect(try laptop.row("projects", id: localRow)?.fields["channels"] == .set(["广播"]))
        // The next local write takes the next seq and a later clock reading.
        try laptop.increment("projects", id: localRow, field: "spent", by: 1)
        let next = try #require(try laptop.outbox(limit: 100).last)
        #expect(next.seq == lastSeq + 1 && next.hlc > clockBefore)
        #expect(try laptop.pragma("integrity_check") == "ok")
    }

    @Test func aTransferCutOffResumesAfterTheLastPageInstalled() throws {
        defer { dir.cleanup() }
        let outbox = try laptop.outbox(limit: 100)
        var bootstrap: (any SnapshotBootstrap)? = try begin()
        #expect(try install(try #require(bootstrap), pages: 1) == 1)
        let stoppedAfter = try #require(try bootstrap?.resumeAfter())
        bootstrap = nil                                  // the connection is lost; the next sync begins again
        let resumed = try begin()
        #expect(try resumed.resumeAfter() == stoppedAfter && !resumed.isComplete())
        #expect(try install(resumed) == 2)               // the two pages left, not three
        try catchUp(resumed)
        try resumed.finish()
        #expect(try laptop.stateHash() == expectedHash(outbox: outbox))
        #expect(try laptop.outbox(limit: 100) == outbox)
    }

    @Test func aLeftoverOfAnotherSnapshotIsStartedAfresh() throws {
        defer { dir.cleanup() }
        let stale = try begin()
        try install(stale, pages: 1)
        try log.compact(.before(position: try log.head() + 1), schema: TestSchema.schema)
        let fresh = try begin()
        #expect(fresh.horizon == (try log.head()) && fresh.horizon != stale.horizon)
        #expect(try fresh.resumeAfter() == nil && !fresh.isComplete())
    }

    @Test func aReaderElsewhereSeesTheOldReplicaOrTheNewAndDoesNotStopTheSwap() throws {
        defer { dir.cleanup() }
        let outbox = try laptop.outbox(limit: 100)
        let bootstrap = try begin()
        try install(bootstrap)
        try catchUp(bootstrap)
        // Another process reads the replica (a `sync --watch`) throughout the swap.
        let other = try DatabaseQueue(path: dir.path("r.sqlite"))
        let reading = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let seen = LockedBox<[Int]>([])
        Thread {
            try? other.read { db in
                seen.update { $0.append((try? Int.fetchOne(db, sql: "SELECT position FROM ps_cursor WHERE id = 1")) ?? -1) }
                reading.signal()
                release.wait()
                // Still inside its read transaction after the swap committed: still the old replica.
                seen.update { $0.append((try? Int.fetchOne(db, sql: "SELECT position FROM ps_cursor WHERE id = 1")) ?? -1) }
            }
            done.signal()
        }.start()
        reading.wait()
        try bootstrap.finish()
        release.signal()
        done.wait()
        #expect(seen.value == [0, 0])
        // Its next read sees the new replica, in the same file: nothing was renamed under it.
        #expect(try other.read { db in try Int.fetchOne(db, sql: "SELECT position FROM ps_cursor WHERE id = 1") } == Int(try log.head()))
        try other.close()
        #expect(try laptop.bootstrappedFrom() == horizon)
        #expect(try laptop.stateHash() == expectedHash(outbox: outbox))
        #expect(!FileManager.default.fileExists(atPath: sidePath))
    }

    @Test func writesByAnotherProcessDuringTheSwapAreNeverLost() throws {
        defer { dir.cleanup() }
        let bootstrap = try begin()
        try install(bootstrap)
        try catchUp(bootstrap)
        // A `plansync put` in another process on the same file, writing before, during and after the swap.
        let other = try ReplicaStore(opening: dir.path("r.sqlite"), schema: TestSchema.schema)
        let created = LockedBox<[String]>([]), stop = LockedBox(false), started = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let failure = LockedBox<String?>(nil)
        Thread {
            var n = 0
            while !stop.value {
                do {
                    let id = try other.create("projects", fields: ["name": .text("旁 \(n)")])
                    created.update { $0.append(id) }
                } catch {
                    failure.update { $0 = "\(error)" }
                    break
                }
                n += 1
                if n == 3 { started.signal() }
            }
            done.signal()
        }.start()
        started.wait()
        try bootstrap.finish()
        let atSwap = created.value.count
        while created.value.count < atSwap + 3, failure.value == nil { Thread.sleep(forTimeInterval: 0.005) }
        stop.update { $0 = true }
        done.wait()
        #expect(failure.value == nil)

        let ids = created.value
        let outbox = try laptop.outbox(limit: 10_000)
        #expect(Set(outbox.map(\.row)) == Set(ids + [localRow]))       // every row's ops are still unsent
        #expect(outbox.map(\.seq) == Array(1...UInt64(outbox.count)))   // one seq line, no gap, no reuse
        for id in ids { #expect(try laptop.row("projects", id: id) != nil, "row \(id) written beside the swap was lost") }
        #expect(try laptop.bootstrappedFrom() == horizon)
        #expect(try laptop.stateHash() == expectedHash(outbox: outbox))
        #expect(try laptop.pragma("integrity_check") == "ok")
    }

    @Test func aFinishedBootstrapLeftBeforeTheSwapIsReused() throws {
        defer { dir.cleanup() }
        let outbox = try laptop.outbox(limit: 100)
        let bootstrap = try begin()
        try install(bootstrap)
        try catchUp(bootstrap)
        // The process stops here (a kill -9 before the swap): the old replica, whole, is in use.
        #expect(try laptop.bootstrappedFrom() == nil && laptop.cursor() == 0)
        #expect(FileManager.default.fileExists(atPath: sidePath))

        // The next sync finds the finished file and swaps it in without fetching a page again.
        let again = try begin()
        #expect(try again.isComplete())
        #expect(try install(again) == 0)
        try catchUp(again)
        try again.finish()
        #expect(try laptop.bootstrappedFrom() == horizon)
        #expect(try laptop.stateHash() == expectedHash(outbox: outbox))
        #expect(try laptop.outbox(limit: 100) == outbox)
    }

    @Test func anotherProcessesBootstrapIsWaitedForNotShared() throws {
        defer { dir.cleanup() }
        // Another process's bootstrap of this file: its flock on the lock file (a descriptor of
        // its own conflicts as another process's would).
        let other = open(dir.path("r.sqlite.bootstrap-lock"), O_RDWR | O_CREAT, 0o644)
        #expect(other >= 0 && flock(other, LOCK_EX | LOCK_NB) == 0)
        let began = LockedBox<Double?>(nil), done = DispatchSemaphore(value: 0)
        let start = Date()
        Thread {
            if let bootstrap = try? self.begin() {
                began.update { $0 = Date().timeIntervalSince(start) }
                _ = bootstrap
            }
            done.signal()
        }.start()
        Thread.sleep(forTimeInterval: 0.5)
        #expect(began.value == nil, "a second bootstrap of the file began while another process's ran")
        #expect(!FileManager.default.fileExists(atPath: sidePath), "the side file was touched while another process held it")
        flock(other, LOCK_UN)
        close(other)
        done.wait()
        #expect((began.value ?? 0) >= 0.5, "it began once the other one finished")
    }
}
