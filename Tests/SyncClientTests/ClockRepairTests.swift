import Foundation
import Planning
import SyncClient
import SyncModel
import SyncServer
import SyncStore
import Testing

/// Issue 10, part 4: clocks. A refused push never stops the pull; a clock that ran ahead and was
/// fixed unblocks at once (its unsent ops are re-stamped); a clock far behind is reported.
@Suite("clock repairs", .timeLimit(.minutes(1)))
struct ClockRepairTests {
    static let day: UInt64 = 86_400_000
    static func now() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1000) }

    /// A wall clock a test moves: `offset` milliseconds from the machine's.
    final class MovableClock: @unchecked Sendable {
        private let lock = NSLock()
        private var offset: Int64 = 0
        func set(_ value: Int64) { lock.withLock { offset = value } }
        var wall: WallClock { WallClock { [self] in UInt64(Int64(ClockRepairTests.now()) + lock.withLock { offset }) } }
    }

    /// A SQLite replica in `folder` for `daemon`, reading time from `clock`.
    static func store(_ node: String, _ department: String, _ daemon: TestDaemon, in folder: URL, clock: WallClock = .system) throws -> ReplicaStore {
        let identity = ReplicaIdentity(node: node, department: department, server: daemon.address, token: daemon.log.addToken(department: department))
        return try ReplicaStore.create(at: folder.appendingPathComponent("\(node).sqlite").path, identity: identity,
                                       schema: PlanningSchema.schema, wallClock: clock)
    }

    static func sync(_ replica: ReplicaStore, _ options: SyncClientOptions = testOptions()) async throws -> SyncSummary {
        try await SyncClient(replica: replica, schemaVersion: PlanningSchema.version, options: options).sync()
    }

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("a laptop whose clock ran a day ahead, once fixed, pushes its unsent edits at once and loses none")
    func dayAheadThenFixed() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withDaemon { daemon in
            let clock = MovableClock()
            clock.set(Int64(Self.day))
            let laptop = try Self.store("laptop", "sales", daemon, in: folder, clock: clock.wall)
            let other = try Self.store("other", "planning", daemon, in: folder)
            let project = try laptop.create("projects", fields: ["name": .text("春季推广"), "status": .text("planning")])
            let partner = try other.create("partners", fields: ["name": .text("星河广告")])
            _ = try await Self.sync(other)

            // Refused with clock_skew, and the pull still ran: the other laptop's partner is here.
            let error = await failure { _ = try await Self.sync(laptop) }
            #expect(error?.serverCode == .clockSkew)
            #expect(try laptop.row("partners", id: partner) != nil)
            #expect(try laptop.outboxCount() == 3)

            // The clock is fixed: the next sync re-stamps the unsent ops and pushes them.
            clock.set(0)
            let fixed = try await Self.sync(laptop)
            #expect(fixed.restamped == 3 && fixed.pushed == 3)
            #expect(try laptop.outboxCount() == 0)
            _ = try await Self.sync(other)
            #expect(try other.row("projects", id: project)?.fields["status"] == .value(.text("planning")))
            #expect(try laptop.stateHash() == other.stateHash())

            // The stored clock came down with the ops: a new edit is stamped near the real time.
            try laptop.update("projects", id: project, fields: ["status": .text("active")])
            let op = try #require(try laptop.outbox(limit: 1).first)
            #expect(op.hlc.milliseconds < Self.now() + 60_000)
            _ = try await Self.sync(laptop)
            _ = try await Self.sync(other)
            #expect(try other.row("projects", id: project)?.fields["status"] == .value(.text("active")))
        }
    }

    @Test("an ack lost before a clock_skew refusal: the re-stamp leaves the ops the daemon stored alone")
    func lostAckThenClockAhead() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withDaemon { daemon in
            let proxy = try await DroppingProxy.start(to: daemon.port, rule: CutAt(1, linesContaining: "\"type\":\"ack\"").rule)
            defer { Task { await proxy.stop() } }
            let clock = MovableClock()
            let identity = ReplicaIdentity(node: "laptop", department: "sales", server: proxy.address, token: daemon.log.addToken(department: "sales"))
            let laptop = try ReplicaStore.create(at: folder.appendingPathComponent("laptop.sqlite").path, identity: identity,
                                                 schema: PlanningSchema.schema, wallClock: clock.wall)
            let other = try Self.store("other", "planning", daemon, in: folder)
            let project = try laptop.create("projects", fields: ["name": .text("Z")])
            try laptop.increment("projects", id: project, field: "budget_spent", by: 100)
            #expect(await failure { _ = try await Self.sync(laptop, plainOptions()) } != nil)   // stored, but the ack is lost
            #expect(try laptop.outboxCount() == 3 && daemon.log.head() == 3)

            clock.set(3_600_000)
            try laptop.increment("projects", id: project, field: "budget_spent", by: 5)
            #expect(await failure { _ = try await Self.sync(laptop, plainOptions()) }?.serverCode == .clockSkew)
            #expect(try laptop.outboxCount() == 1, "the three stored ops were settled as duplicates, not re-stamped")

            clock.set(0)
            let fixed = try await Self.sync(laptop, plainOptions())
            #expect(fixed.restamped == 1 && fixed.pushed == 1)
            _ = try await Self.sync(other)
            #expect(try other.row("projects", id: project)?.fields["budget_spent"] == .counter(105))
            #expect(try laptop.stateHash() == other.stateHash())
            #expect(daemon.log.head() == 4)
        }
    }

    @Test("a right clock is not taken for a slow one after a fast laptop moved the daemon's HLC ahead")
    func rightClockAfterAFastLaptop() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withDaemon { daemon in
            let fast = MovableClock(), slow = MovableClock()
            fast.set(295_000)   // within the allowed 5 minutes: its ops are accepted
            slow.set(-8_000)    // a few seconds off, as clocks are
            let ahead = try Self.store("ahead", "sales", daemon, in: folder, clock: fast.wall)
            let right = try Self.store("right", "planning", daemon, in: folder, clock: slow.wall)
            _ = try ahead.create("projects", fields: ["name": .text("fast")])
            _ = try await Self.sync(ahead)
            _ = try right.create("projects", fields: ["name": .text("right")])
            let summary = try await Self.sync(right)
            #expect(try summary.pushed == 2 && right.outboxCount() == 0)
        }
    }

    @Test("a clock 62 minutes behind the daemon's is reported with the gap, pushes nothing, and still pulls")
    func clockBehindIsReported() async throws {
        let log = MemoryServerLog()
        let first = try await TestDaemon.start(log: log)
        let writer = first.replica("writer", department: "planning")
        let department = try writer.create("departments", ["name": .text("策划部")])
        _ = try await client(writer).sync()
        await first.stop()

        let behind: UInt64 = 62 * 60 * 1000
        let daemon = try await TestDaemon.start(log: log) { $0.wallClock = { ClockRepairTests.now() + behind } }
        defer { Task { await daemon.stop() } }
        let laptop = daemon.replica("slow-laptop", department: "sales")
        try laptop.create("departments", ["name": .text("销售部")])
        let events = EventLog()
        let error = await failure { _ = try await client(laptop, testOptions { $0.onEvent = events.handler }).sync() }
        guard case .clockBehind(let ms, let allowed)? = error else { Issue.record("expected clockBehind, got \(String(describing: error))"); return }
        #expect(ms > 61 * 60 * 1000 && ms < 63 * 60 * 1000)
        #expect(allowed == 5 * 60 * 1000)
        #expect(error?.description.contains("62 min behind") == true)
        #expect(events.all.contains { if case .clockDrift(let d) = $0 { d < -61 * 60 * 1000 } else { false } })
        #expect(try laptop.outboxCount() == 2)             // nothing pushed
        #expect(log.head() == 2)
        #expect(try laptop.cursor() == 2)                  // but pulled
        #expect(laptop.row("departments", department) != nil)
    }

    @Test("a clock ahead of the daemon's: the refused push still lets the pull run, and sync names clock_skew")
    func refusedPushStillPulls() async throws {
        let log = MemoryServerLog()
        let first = try await TestDaemon.start(log: log)
        let writer = first.replica("writer", department: "planning")
        let department = try writer.create("departments", ["name": .text("策划部")])
        _ = try await client(writer).sync()
        await first.stop()

        let daemon = try await TestDaemon.start(log: log) { $0.wallClock = { ClockRepairTests.now() - ClockRepairTests.day } }
        defer { Task { await daemon.stop() } }
        let laptop = daemon.replica("fast-laptop", department: "sales")
        try laptop.create("departments", ["name": .text("销售部")])
        let error = await failure { _ = try await client(laptop).sync() }
        #expect(error?.serverCode == .clockSkew)
        #expect(try laptop.outboxCount() == 2)
        #expect(try laptop.cursor() == 2)
        #expect(laptop.row("departments", department) != nil)
    }

    @Test("applying pulled ops follows the HLC receive rule: the next local reading is one past the remote reading")
    func receiveRuleOnApply() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withDaemon { daemon in
            let laptop = try Self.store("laptop", "sales", daemon, in: folder)
            let ahead = try HLCTimestamp(milliseconds: Self.now() + 120_000, counter: 5)
            let remote = Op(collection: "departments", row: UUID().uuidString.lowercased(), field: Op.deletedField, kind: .set, node: "remote", seq: 1,
                            hlc: ahead, value: .bool(false), context: VersionVector(), department: "planning", log: 1)
            try laptop.applyRemote([remote], cursor: 1)
            // The clock is now the remote reading (ahead of the local clock and the wall clock);
            // the receive itself stamps nothing, so the local write after it is the next reading:
            // l' = l_m, c' = c_m + 1.
            _ = try laptop.create("departments", fields: ["name": .text("销售部")])
            let op = try #require(try laptop.outbox(limit: 1).first)
            #expect(op.hlc == HLCTimestamp(raw: ahead.raw + 1))
        }
    }
}
