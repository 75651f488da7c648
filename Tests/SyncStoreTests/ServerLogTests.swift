import Foundation
@testable import SyncStore
import SyncModel
import Testing

@Suite struct ServerLogTests {
    let dir: TempDir
    let log: ServerLog
    static let wall = IdentityRecordClock.now
    static let skew: UInt64 = 300_000

    init() throws {
        dir = try TempDir()
        log = try ServerLog(path: dir.path("server.sqlite"), schema: TestSchema.schema)
    }

    /// Ops of `node` seq `from…`: create a project, then set its name.
    static func ops(_ node: String, from: UInt64 = 1, row: String = "p1") -> [Op] {
        [OpBuilder.set(collection: "projects", row: row, field: Op.deletedField, value: .bool(false), current: nil, stamp: stamp(node, from)),
         OpBuilder.set(collection: "projects", row: row, field: "name", value: .text("x"), current: nil, stamp: stamp(node, from + 1))]
    }

    func commit(_ ops: [Op], _ node: String = "a", _ department: String = "sales") throws -> LogCommit {
        try log.commit(ops, pushedBy: node, department: department, schema: TestSchema.schema, wallMilliseconds: ServerLogTests.wall, maxSkewMilliseconds: ServerLogTests.skew)
    }

    func refusal(_ body: () throws -> Void) -> Admission.Refusal.Code? {
        do { try body() } catch let r as Admission.Refusal { return r.code } catch { return nil }
        return nil
    }

    @Test func commitStampsDepartmentAndPositions() throws {
        defer { dir.cleanup() }
        let result = try commit(ServerLogTests.ops("a"))
        #expect(result.head == 2 && result.duplicates == 0)
        #expect(result.appended.map(\.log) == [1, 2] && result.appended.allSatisfy { $0.department == "sales" })
        #expect(try log.head() == 2 && log.lastSeq(of: "a") == 2 && log.lastSeq(of: "b") == 0)
        #expect(try log.ops(since: 0, limit: 10) == result.appended)
        #expect(try log.ops(since: 1, limit: 10).map(\.log) == [2])
        #expect(try log.ops(since: 0, limit: 1).count == 1)
        #expect(try log.storedOp(Dot(node: "a", seq: 2)) == ServerLogTests.ops("a")[1])
        #expect(try log.storedOp(Dot(node: "a", seq: 3)) == nil)
    }

    @Test func duplicatesAreCountedAndSkipped() throws {
        defer { dir.cleanup() }
        _ = try commit(ServerLogTests.ops("a"))
        let again = try commit(ServerLogTests.ops("a") + ServerLogTests.ops("a", from: 3, row: "p2"))
        #expect(again.duplicates == 2 && again.appended.map(\.seq) == [3, 4] && again.head == 4)
    }

    @Test func refusalsChangeNothing() throws {
        defer { dir.cleanup() }
        _ = try commit(ServerLogTests.ops("a"))
        let before = try log.ops(since: 0, limit: 100)
        var copied = ServerLogTests.ops("a")[1]
        copied.value = .text("different")
        #expect(refusal { _ = try commit([copied]) } == .duplicateDot)
        #expect(refusal { _ = try commit(ServerLogTests.ops("a", from: 4)) } == .seqGap)
        var unknown = ServerLogTests.ops("a", from: 3)[1]
        unknown.replaces = [Dot(node: "zz", seq: 1)]
        #expect(refusal { _ = try commit([ServerLogTests.ops("a", from: 3)[0], unknown]) } == .invalidOp)
        // All or nothing: a good op before a bad one is not appended either.
        var bad = ServerLogTests.ops("a", from: 4)[1]
        bad.value = .integer(3)
        #expect(refusal { _ = try commit([ServerLogTests.ops("a", from: 3)[0], bad]) } == .invalidOp)
        #expect(refusal { _ = try commit(ServerLogTests.ops("b"), "a") } == .invalidOp)
        var future = ServerLogTests.ops("a", from: 3)[0]
        future.hlc = HLCTimestamp(raw: (ServerLogTests.wall + 3_600_000) << 16)
        #expect(refusal { _ = try commit([future]) } == .clockSkew)
        #expect(try log.ops(since: 0, limit: 100) == before && log.head() == 2)
    }

    @Test func tokensAreStoredHashedOnly() throws {
        defer { dir.cleanup() }
        let token = try log.addToken(department: "sales")
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
        #expect(try log.department(forToken: token) == "sales")
        #expect(try log.department(forToken: token + "0") == nil)
        let dump = try log.replica.contentDump()
        #expect(!dump.contains(token))
        #expect(dump.contains(Hex.sha256(token)))
        let info = try #require(try log.tokens().first)
        #expect(info.department == "sales" && info.revokedAtMilliseconds == nil)
        #expect(throws: StoreError.noSuchToken("zzzz")) { try log.revokeToken("zzzz") }
        try log.revokeToken(String(info.id.prefix(3)))
        #expect(try log.department(forToken: token) == nil)
        #expect(try log.tokens().first?.revokedAtMilliseconds != nil)
    }

    @Test func theDaemonsOwnDepartmentTakesNoToken() throws {
        defer { dir.cleanup() }
        #expect(throws: StoreError.self) { try log.addToken(department: ServerLog.department) }
        #expect(try log.tokens().isEmpty)
    }

    @Test func materializedFileIsAReplicaWithTheClientsHash() throws {
        defer { dir.cleanup() }
        let client = try ReplicaStore.create(at: dir.path("client.sqlite"), identity: ReplicaIdentity(node: "a", department: "sales"), schema: TestSchema.schema)
        let id = try client.create("projects", fields: ["name": .text("春季"), "status": .text("active")])
        try client.increment("projects", id: id, field: "spent", by: 42)
        let pushed = try commit(try client.outbox(limit: 100))
        try client.acknowledge(through: 4)
        for _ in 0..<(ServerLog.materializeBatch / 2 + 3) {
            _ = try commit([OpBuilder.inc(collection: "projects", row: id, field: "spent", delta: 1, stamp: stamp("b", try log.lastSeq(of: "b") + 1))], "b", "finance")
        }
        try log.materialize()
        try log.materialize()
        try client.applyRemote(try log.ops(since: 0, limit: 10_000), cursor: try log.head())
        #expect(pushed.appended.count == 4)
        let server = try ReplicaStore(opening: dir.path("server.sqlite"), schema: TestSchema.schema)
        #expect(try server.stateHash() == client.stateHash())
        #expect(try server.identity().node == "plansyncd" && server.identity().department == "server")
        #expect(try server.cursor() == log.head())
        #expect(try server.row("projects", id: id)?.fields["spent"] == .counter(42 + Int64(ServerLog.materializeBatch / 2 + 3)))
        // Reopening the daemon's file keeps its log and tokens.
        let reopened = try ServerLog(path: dir.path("server.sqlite"), schema: TestSchema.schema)
        #expect(try reopened.head() == log.head())
    }

    @Test func aLaptopReplicaIsNotADaemonFile() throws {
        defer { dir.cleanup() }
        let path = dir.path("laptop.sqlite")
        _ = try ReplicaStore.create(at: path, identity: ReplicaIdentity(node: "a", department: "sales"), schema: TestSchema.schema)
        do {
            _ = try ServerLog(path: path, schema: TestSchema.schema)
            Issue.record("a laptop replica was opened as the daemon's log")
        } catch StoreError.notAReplica(let p, _) {
            #expect(p == path)
        }
    }
}
