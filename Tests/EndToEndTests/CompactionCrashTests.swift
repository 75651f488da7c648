import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Planning
import SyncClient
import SyncModel
@testable import SyncStore
import TestSupport
import Testing

/// kill -9 during compaction and bootstrap (issue 14), of the built binaries at random moments:
/// nothing acknowledged is lost, the files open, and a fresh laptop gets the same state hash.
/// A few trials each, the moment drawn within the time an uninterrupted run took.
@Suite(.serialized) struct CompactionCrashTests {
    /// A seed printed on failure, so a run can be understood.
    static let seed = UInt64(Date().timeIntervalSince1970)

    /// SIGKILLs `process` at a random moment within `window` seconds of `started`; true when it
    /// was still running then. When it finished first, `window` shrinks to the time it took, so
    /// the next moment is drawn within a run's length.
    static func kill9(_ process: Process, started: Date, within window: inout TimeInterval, _ rng: inout SplitMix64) -> Bool {
        let moment = started.addingTimeInterval(Double.random(in: 0...max(0.01, window), using: &rng))
        while process.isRunning, Date() < moment { usleep(2_000) }
        guard process.isRunning else {
            window = min(window, Date().timeIntervalSince(started))
            return false
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return true
    }

    /// The daemon file holds what `history` committed: same canonical state, a sound file.
    static func check(_ path: String, against history: History, round: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let log = try ServerLog(path: path, schema: PlanningSchema.schema)
        #expect(try log.canonicalForm(of: "planning", rules: .open, schema: PlanningSchema.schema) == history.model.canonicalForm(),
                "round \(round) (seed \(seed)): the daemon's state differs from what it acknowledged", sourceLocation: sourceLocation)
        let replica = try ReplicaStore(opening: path, schema: PlanningSchema.schema)
        #expect(try replica.pragma("integrity_check") == "ok", "round \(round)", sourceLocation: sourceLocation)
    }

    /// A fresh laptop syncs from the daemon `plansyncd serve` runs on `path` and shows the hash
    /// `plansyncd hash` computes from the file, which `history` must also give.
    static func freshLaptopAgrees(_ ws: Workspace, daemonFile path: String, name: String) throws {
        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        let daemon = try DaemonProcess.launch(plansyncd.url, data: path)
        defer { daemon.terminate() }
        let token = try DaemonProcess.run(plansyncd.url, ["token", "add", "--department", "planning", "--data", path])
            .split(separator: "\n").last.map(String.init) ?? ""
        try ws.ok(name, "init", "--node", "n-\(name)", "--department", "planning", "--server", "127.0.0.1:\(daemon.port)", "--token", token)
        try ws.ok(name, "sync")
        let hash = try DaemonProcess.run(plansyncd.url, ["hash", "--department", "planning", "--data", path])
            .split(separator: "\n").last.map(String.init)
        #expect(try ws.status(name)["state_hash"] as? String == hash)
    }

    @Test func killNineOfPlansyncdCompactLosesNothing() throws {
        let ws = try Workspace()
        let path = ws.folder.appendingPathComponent("server.sqlite").path
        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        var history = History(log: try ServerLog(path: path, schema: PlanningSchema.schema))
        var rng = SplitMix64(seed: Self.seed)
        var window: TimeInterval = 0
        var interrupted = 0
        for round in 0..<5 {
            try history.write(rows: 60, edits: 40, prefix: "r\(round)")
            let head = try history.log.head(), before = try history.log.horizon()
            let started = Date()
            let run = try plansyncd.start(["compact", "--data", path, "--before", "\(head - 20)"], in: ws.folder)
            if round == 0 {
                // The first run is whole: it says how long one takes, and that compaction works here.
                let result = try run.finish()
                #expect(result.status == 0, "\(result.stderr)")
                window = Date().timeIntervalSince(started)
                #expect(try history.log.horizon() == head - 21)
            } else {
                if Self.kill9(run.process, started: started, within: &window, &rng) { interrupted += 1 }
                _ = try? run.finish()
                let horizon = try history.log.horizon()
                #expect(horizon == before || horizon == head - 21, "round \(round): horizon \(horizon) is neither the old nor the new one")
            }
            try Self.check(path, against: history, round: round)
        }
        #expect(interrupted > 0, "no kill hit a running compaction (seed \(Self.seed)); the test proved nothing")
        try Self.freshLaptopAgrees(ws, daemonFile: path, name: "fresh")
    }

    @Test func killNineOfADaemonServingWithKeepDaysLosesNothing() async throws {
        let ws = try Workspace()
        let path = ws.folder.appendingPathComponent("server.sqlite").path
        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        var history = History(log: try ServerLog(path: path, schema: PlanningSchema.schema))
        let token = try history.log.addToken(department: "planning")
        let laptop = try ReplicaStore.create(at: ws.folder.appendingPathComponent("laptop.sqlite").path,
                                             identity: ReplicaIdentity(node: "laptop", department: "planning", token: token),
                                             schema: PlanningSchema.schema)
        var rng = SplitMix64(seed: Self.seed)
        for round in 0..<4 {
            try history.write(rows: 50, edits: 40, prefix: "k\(round)")
            // `serve --keep-days 0` folds every op received before now, at start, while it serves.
            let daemon = try DaemonProcess.launch(plansyncd.url, data: path, ["--keep-days", "0"])
            try laptop.setServer("127.0.0.1:\(daemon.port)", token: token)
            for i in 0..<5 { _ = try laptop.create("projects", fields: ["name": .text("笔记本 \(round)-\(i)")]) }
            let unsent = try laptop.outbox(limit: 1_000)
            let outcome = await Result(catching: { try await SyncClient(replica: laptop, schemaVersion: PlanningSchema.version).sync() })
            let stillUnsent = Set(try laptop.outbox(limit: 1_000).map(\.dot))
            try history.observe(unsent.filter { !stillUnsent.contains($0.dot) })
            #expect(stillUnsent.isEmpty, "round \(round): the sync did not push: \(outcome)")
            var window: TimeInterval = 0.3
            _ = Self.kill9(daemon.process, started: Date(), within: &window, &rng)
            try Self.check(path, against: history, round: round)
        }
        #expect(try history.log.horizon() > 0, "no compaction ever ran: the test proved nothing")
        try Self.freshLaptopAgrees(ws, daemonFile: path, name: "fresh")
    }

    @Test func killNineOfPlansyncSyncDuringABootstrapLeavesTheOldReplicaOrTheNew() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        defer { Task { await daemon.stop() } }
        var history = History(log: daemon.log)
        try history.write(rows: 1_500, edits: 1, prefix: "b")
        let horizon = try daemon.log.head()
        try daemon.log.compact(.before(position: horizon + 1), schema: PlanningSchema.schema)
        daemon.daemon.noteCompaction(horizon: horizon)
        let token = try daemon.token(for: "planning")
        var rng = SplitMix64(seed: Self.seed)
        var window: TimeInterval = 0
        var interrupted = 0
        for trial in 0..<5 {
            let name = "k\(trial)"
            try ws.ok(name, "init", "--node", "n-\(name)", "--department", "planning", "--server", daemon.address, "--token", token)
            let mine = [try ws.ok(name, "put", "projects", "name=离线 \(trial)"), try ws.ok(name, "put", "projects", "name=第二 \(trial)")]
            let started = Date()
            let run = try ws.binary.start(["--replica", "\(name).sqlite", "sync"], in: ws.folder)
            if trial == 0 {
                let result = try run.finish()
                #expect(result.status == 0 && result.output.contains("bootstrapped from the daemon's snapshot"), "\(result.output) \(result.stderr)")
                window = Date().timeIntervalSince(started)
            } else {
                if Self.kill9(run.process, started: started, within: &window, &rng) { interrupted += 1 }
                _ = try? run.finish()
            }
            // The file opens and is the old replica or the new one, never a mix.
            let replica = try ReplicaStore(opening: ws.folder.appendingPathComponent("\(name).sqlite").path, schema: PlanningSchema.schema)
            #expect(try replica.pragma("integrity_check") == "ok")
            let rows = try replica.rows("projects").count, cursor = try replica.cursor()
            // Old: its own 2 rows, nothing pulled. New: the snapshot, its own rows and the 2 of each earlier trial.
            if try replica.bootstrappedFrom() == nil {
                #expect(rows == 2 && cursor == 0, "trial \(trial): an old replica with \(rows) rows at \(cursor)")
            } else {
                #expect(rows == 1_502 + 2 * trial && cursor >= horizon, "trial \(trial): a new replica with \(rows) rows at \(cursor)")
            }
            for id in mine { #expect(try replica.row("projects", id: id) != nil, "trial \(trial): a local row is gone") }
            // The next sync completes, and the daemon has every op the laptop wrote.
            try ws.ok(name, "sync")
            #expect(try ws.status(name)["outbox"] as? Int == 0)
            for id in mine { #expect(try daemon.log.ops(since: horizon, limit: 100_000).contains { $0.row == id }) }
        }
        #expect(interrupted > 0, "no kill hit a running sync (seed \(Self.seed)); the test proved nothing")
        // Every laptop takes in the others' rows, then all show the daemon's hash.
        for trial in 0..<5 { try ws.ok("k\(trial)", "sync") }
        let hash = try PlanSyncBinary.locate("plansyncd").run(["hash", "--department", "planning", "--data", "server.sqlite"], in: ws.folder)
        for trial in 0..<5 { #expect(try ws.status("k\(trial)")["state_hash"] as? String == hash.output.split(separator: "\n").last.map(String.init)) }
    }
}

extension Result where Failure == any Error {
    /// The outcome of an async throwing body.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
