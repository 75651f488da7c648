import Foundation
import NIOCore
import Planning
import RulesFile
import SyncModel
import SyncProtocol
import Testing
@testable import SyncServer

/// Access rules through the real daemon: forbidden pushes, partial replication on the wire,
/// rules in `welcome`, reloads.
@Suite("Access rules in the daemon", .serialized)
struct AccessRulesDaemonTests {
    /// rnd alone reads and writes incentives; rnd alone writes projects.budget_planned.
    static let rules = AccessRules([
        .init(collection: "incentives", access: .read, departments: ["rnd"]),
        .init(collection: "incentives", access: .write, departments: ["rnd"]),
        .init(collection: "projects", field: "budget_planned", access: .write, departments: ["rnd"]),
    ])

    static func incentive(node: String, seq: UInt64) -> [Op] {
        [
            Op(collection: "incentives", row: "secret-row", field: "_deleted", kind: .set, node: node, seq: seq, hlc: Ops.now, value: .bool(false), context: VersionVector()),
            Op(collection: "incentives", row: "secret-row", field: "recipient", kind: .set, node: node, seq: seq + 1, hlc: Ops.now, value: .text("王五")),
        ]
    }

    @Test func aForbiddenPushIsRefusedWholeAndChangesNothing() async throws {
        let daemon = try await TestDaemon.start { $0.rules = Self.rules }
        defer { Task { await daemon.stop() } }
        let sales = try await daemon.session(node: "sales-laptop")
        var ops = Ops.create(node: "sales-laptop", seq: 1, row: "p1", name: "Launch")
        ops.append(Op(collection: "projects", row: "p1", field: "budget_planned", kind: .set, node: "sales-laptop", seq: 3, hlc: Ops.now, value: .integer(999)))
        let reply = try await sales.push(id: 1, ops)
        guard case .error(let error) = reply else { Issue.record("not refused: \(reply)"); return }
        #expect(error.code == .forbidden)
        #expect(!error.fatal)
        #expect(error.message.contains("op 2 (sales-laptop:3)"))
        #expect(error.message.contains("collections.projects.fields.budget_planned.write"))
        #expect(daemon.log.head() == 0)
        // The connection stays usable, and the allowed part alone goes through.
        guard case .ack(let ack) = try await sales.push(id: 2, Array(ops.prefix(2))) else { Issue.record("not acked"); return }
        #expect(ack.accepted == 2)
        await sales.close()
    }

    @Test func aReaderWithoutAccessGetsNothingOfTheHiddenCollectionOnTheWire() async throws {
        let daemon = try await TestDaemon.start { $0.rules = Self.rules }
        defer { Task { await daemon.stop() } }
        // sales subscribes first: the live fan-out must filter too.
        let watcher = try await daemon.session(node: "sales-watcher")
        try await watcher.send(.subscribe(Subscribe(id: 50, since: 0)))
        let rnd = try await daemon.session(node: "rnd-laptop", token: TestDaemon.rndToken)
        var seq: UInt64 = 1
        for i in 0..<3 {
            _ = try await rnd.push(id: Int64(10 + i), Self.incentive(node: "rnd-laptop", seq: seq))
            _ = try await rnd.push(id: Int64(20 + i), Ops.create(node: "rnd-laptop", seq: seq + 2, row: "p\(i)", name: "open \(i)"))
            seq += 4
        }
        _ = try await rnd.push(id: 30, Self.incentive(node: "rnd-laptop", seq: seq))   // the log ends hidden
        #expect(daemon.log.head() == 14)

        // Raw pull lines, page by page (small pages, so pages pass over hidden runs).
        let puller = try await daemon.session(node: "sales-laptop")
        var raw: [String] = []
        var ops: [Op] = []
        var cursor: UInt64 = 0
        for id in 100..<140 {
            try await puller.send(.pull(Pull(id: Int64(id), since: cursor, limit: 1)))
            guard case .line(let line) = try await puller.next() else { Issue.record("closed"); return }
            raw.append(line)
            guard case .changes(let page) = try WireDecoder.serverMessage(from: ByteBuffer(string: line)) else { Issue.record("not changes: \(line)"); return }
            #expect(page.next >= cursor)
            #expect(!page.more || !page.ops.isEmpty)
            ops += page.ops
            cursor = page.next
            if !page.more { break }
        }
        #expect(ops.count == 6)
        #expect(ops.allSatisfy { $0.collection == "projects" })
        #expect(cursor >= 12)

        // The live stream: everything sent to the watcher.
        var streamed: [Op] = []
        while streamed.count < 6 {
            guard case .line(let line) = try await watcher.next() else { Issue.record("closed"); return }
            raw.append(line)
            if case .changes(let page) = try WireDecoder.serverMessage(from: ByteBuffer(string: line)) { streamed += page.ops }
        }
        #expect(streamed.map(\.dot) == ops.map(\.dot))
        for line in raw {
            #expect(!line.contains("incentives") && !line.contains("王五") && !line.contains("secret-row"), "leaked: \(line)")
        }
        // rnd may read: it gets all 14.
        #expect(try await rnd.pullAll().count == 14)
        for c in [watcher, puller, rnd] { await c.close() }
    }

    @Test func welcomeCarriesTheRulesConcerningTheDepartment() async throws {
        let daemon = try await TestDaemon.start { $0.rules = Self.rules }
        defer { Task { await daemon.stop() } }
        let sales = try await daemon.client()
        let welcome = try await sales.hello(token: TestDaemon.salesToken, node: "sales-laptop")
        #expect(welcome.rules?.version == Self.rules.version)
        #expect(welcome.rules?.entries == Self.rules.entries)
        let rnd = try await daemon.client()
        let rndWelcome = try await rnd.hello(token: TestDaemon.rndToken, node: "rnd-laptop")
        #expect(rndWelcome.rules?.entries == [])
        #expect(rndWelcome.rules?.version == Self.rules.version)
        // A reload takes effect for later hellos and pushes.
        daemon.daemon.replaceRules(.open)
        let again = try await daemon.client()
        #expect(try await again.hello(token: TestDaemon.salesToken, node: "sales-2").rules == nil)
        guard case .ack = try await again.push(id: 1, Self.incentive(node: "sales-2", seq: 1)) else { Issue.record("refused after reload"); return }
        for c in [sales, rnd, again] { await c.close() }
    }

    @Test func theRulesFileIsReadAndBadFilesNameThePlace() throws {
        let schema = PlanningSchema.schema
        let text = """
            [collections.incentives]
            read  = ["hr", "finance", "planning"]
            write = ["hr"]

            [collections.projects.fields.budget_planned]
            write = ["finance", "planning"]
            """
        let rules = try RulesFile.parse(text, schema: schema)
        #expect(rules.entries.count == 3)
        #expect(!rules.mayRead("marketing", "incentives"))
        #expect(rules.writeDenial("marketing", "projects", "budget_planned") != nil)
        #expect(try RulesFile.parse("", schema: schema) == .open)
        let bad: [(String, String)] = [
            ("[collections.bonuses]\nread = [\"hr\"]", "collections.bonuses"),
            ("[collections.projects.fields.budgett]\nwrite = [\"hr\"]", "collections.projects.fields.budgett"),
            ("[collections.projects]\nreed = [\"hr\"]", "collections.projects.reed"),
            ("[collections.projects]\nread = \"hr\"", "collections.projects.read"),
            ("[collections.projects.fields.name]\nread = [\"hr\"]", "collections.projects.fields.name.read"),
            ("[collections.projects\nread = [\"hr\"]", "line 1"),
        ]
        for (text, place) in bad {
            do {
                _ = try RulesFile.parse(text, schema: schema)
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.message.hasPrefix(place), "\(error.message)")
                #expect(!error.message.contains("\n"))
            }
        }
    }
}
