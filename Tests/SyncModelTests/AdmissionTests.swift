import SyncModel
import Testing

/// The server's push rules (DESIGN.md, "Causal delivery" and the error codes).
@Suite("Admission")
struct AdmissionTests {
    static let wall: UInt64 = 1_000_000
    static let skew = HybridLogicalClock.defaultMaxSkewMilliseconds

    /// What the daemon does with a push: decide, then append what was accepted.
    private func push(_ ops: [Op], by node: String, to log: inout MemoryOpLog) throws(Admission.Refusal) -> Admission.Result {
        let result = try Admission.admit(ops, pushedBy: node, schema: testSchema, log: log,
                                         wallMilliseconds: Self.wall, maxSkewMilliseconds: Self.skew)
        log.append(result.accepted, department: "dept-\(node)")
        return result
    }

    private func refusal(_ ops: [Op], by node: String, log: MemoryOpLog) -> Admission.Refusal? {
        do {
            _ = try Admission.admit(ops, pushedBy: node, schema: testSchema, log: log,
                                    wallMilliseconds: Self.wall, maxSkewMilliseconds: Self.skew)
            return nil
        } catch { return error }
    }

    @Test func acceptsANodesOpsInSeqOrder() throws {
        var log = MemoryOpLog()
        let ops = [setOp("a", 1, .text("x")), incOp("a", 2, 3)]
        let result = try push(ops, by: "a", to: &log)
        #expect(result.accepted == ops && result.duplicates == 0)
        #expect(log.head == 2 && log.lastSeq(of: "a") == 2)
        #expect(log.ops.map(\.log) == [1, 2] && log.ops.allSatisfy { $0.department == "dept-a" })
    }

    @Test func duplicatesWithTheSameContentAreCounted() throws {
        var log = MemoryOpLog()
        let ops = [setOp("a", 1, .text("x")), incOp("a", 2, 3)]
        _ = try push(ops, by: "a", to: &log)
        let result = try push(ops + [addOp("a", 3, "t")], by: "a", to: &log)
        #expect(result.duplicates == 2 && result.accepted == [addOp("a", 3, "t")])
        #expect(log.head == 3)
        // an op echoed back from `changes` still carries department and log: same content
        let echoed = log.ops[0]
        let again = try push([echoed], by: "a", to: &log)
        #expect(again.accepted.isEmpty && again.duplicates == 1)
    }

    @Test func aDuplicateInsideOneBatchIsCounted() throws {
        var log = MemoryOpLog()
        let result = try push([setOp("a", 1, .text("x")), setOp("a", 1, .text("x"))], by: "a", to: &log)
        #expect(result.accepted.count == 1 && result.duplicates == 1 && log.head == 1)
    }

    @Test func sameDotWithOtherContentIsDuplicateDot() throws {
        var log = MemoryOpLog()
        _ = try push([setOp("a", 1, .text("x"))], by: "a", to: &log)
        let r = try #require(refusal([setOp("a", 1, .text("copied file"))], by: "a", log: log))
        #expect(r.code == .duplicateDot && r.index == 0)
        #expect(r.description.hasPrefix("duplicate_dot: op 0 (a:1)"))
        let inBatch = try #require(refusal([setOp("a", 2, .text("x")), setOp("a", 2, .text("y"))], by: "a", log: log))
        #expect(inBatch.code == .duplicateDot && inBatch.index == 1)
    }

    /// A compacted dot cannot be compared: pushed again by a replica that may have sent it before
    /// (a lost ack), it counts as a duplicate; above the push's `sent_through`, the replica never
    /// sent it, so another replica made the compacted op under the same node id.
    @Test func aCompactedDotTheReplicaNeverSentIsDuplicateDot() throws {
        var log = MemoryOpLog()
        _ = try push([setOp("a", 1, .text("old laptop")), incOp("a", 2, 3)], by: "a", to: &log)
        _ = try push([setOp("b", 1, .text("y"))], by: "b", to: &log)
        try log.compact(through: 2, schema: testSchema)
        let reinstalled = [setOp("a", 1, .text("new laptop")), incOp("a", 2, 7), incOp("a", 3, 1)]
        // Without `sent_through` (an older client), and with one that covers the dots: duplicates.
        for sentThrough in [nil, 2, 5] as [UInt64?] {
            let result = try Admission.admit(reinstalled, pushedBy: "a", sentThrough: sentThrough, schema: testSchema, log: log,
                                             wallMilliseconds: Self.wall, maxSkewMilliseconds: Self.skew)
            #expect(result.duplicates == 2 && result.accepted == [incOp("a", 3, 1)], "\(String(describing: sentThrough))")
        }
        // Never sent before: refused whole, naming the first such op.
        for (sentThrough, index) in [(0, 0), (1, 1)] as [(UInt64, Int)] {
            do {
                _ = try Admission.admit(reinstalled, pushedBy: "a", sentThrough: sentThrough, schema: testSchema, log: log,
                                        wallMilliseconds: Self.wall, maxSkewMilliseconds: Self.skew)
                Issue.record("accepted with sent_through \(sentThrough)")
            } catch {
                #expect(error.code == .duplicateDot && error.index == index)
                #expect(error.message.contains("never sent it before (it sent up to seq \(sentThrough))"), "\(error.message)")
            }
        }
        // A dot the log still holds is compared as before, whatever `sent_through` says.
        let same = try Admission.admit([log.ops[0].content], pushedBy: "b", sentThrough: 0, schema: testSchema, log: log,
                                       wallMilliseconds: Self.wall, maxSkewMilliseconds: Self.skew)
        #expect(same.duplicates == 1)
    }

    @Test func aGapInSeqIsSeqGap() throws {
        var log = MemoryOpLog()
        let first = try #require(refusal([setOp("a", 2, .text("x"))], by: "a", log: log))
        #expect(first.code == .seqGap && first.message == "op 0 (a:2): expected seq 1 of node a")
        _ = try push([setOp("a", 1, .text("x"))], by: "a", to: &log)
        let r = try #require(refusal([setOp("a", 2, .text("y")), setOp("a", 4, .text("z"))], by: "a", log: log))
        #expect(r.code == .seqGap && r.index == 1 && r.description == "seq_gap: op 1 (a:4): expected seq 3 of node a")
    }

    @Test func namingADotTheServerLacksIsInvalid() throws {
        var log = MemoryOpLog()
        _ = try push([setOp("b", 1, .text("x"))], by: "b", to: &log)
        let replaces = try #require(refusal([setOp("a", 1, .text("y"), replaces: ["b:2"])], by: "a", log: log))
        #expect(replaces.code == .invalidOp && replaces.message == "op 0 (a:1): names b:2, which the server does not have")
        let removes = try #require(refusal([removeOp("a", 1, "t", removes: ["c:1"])], by: "a", log: log))
        #expect(removes.code == .invalidOp)
        #expect(try push([setOp("a", 1, .text("y"), replaces: ["b:1"])], by: "a", to: &log).accepted.count == 1)
    }

    @Test func dotsNamedEarlierInTheSameBatchAreAccepted() throws {
        var log = MemoryOpLog()
        let batch = [addOp("a", 1, "t"), removeOp("a", 2, "t", removes: ["a:1"]), setOp("a", 3, .text("x")),
                     setOp("a", 4, .text("y"), replaces: ["a:3"])]
        #expect(try push(batch, by: "a", to: &log).accepted == batch)
    }

    @Test func namingALaterDotOfTheBatchIsRefused() {
        let batch = [setOp("a", 1, .text("x"), replaces: ["a:2"]), setOp("a", 2, .text("y"))]
        #expect(refusal(batch, by: "a", log: MemoryOpLog())?.code == .invalidOp)
        #expect(refusal([setOp("a", 1, .text("x"), replaces: ["a:1"])], by: "a", log: MemoryOpLog())?.code == .invalidOp)
    }

    @Test func opsOfAnotherNodeAreRefused() {
        let r = refusal([setOp("a", 1, .text("x"))], by: "b", log: MemoryOpLog())
        #expect(r?.code == .invalidOp && r?.message == "op 0 (a:1): made by node a, pushed by node b")
    }

    @Test func clockSkewIsRefused() {
        let ahead = setOp("a", 1, .text("x"), hlc: ts(Self.wall + Self.skew + 1))
        let r = refusal([ahead], by: "a", log: MemoryOpLog())
        #expect(r?.code == .clockSkew && r?.message.contains("300001 ms ahead") == true)
        #expect(refusal([setOp("a", 1, .text("x"), hlc: ts(Self.wall + Self.skew, 0xFFFF))], by: "a", log: MemoryOpLog()) == nil)
        #expect(refusal([setOp("a", 1, .text("x"), hlc: ts(1))], by: "a", log: MemoryOpLog()) == nil)   // behind is fine
    }

    @Test func schemaViolationsAreInvalidOps() {
        let r = refusal([setOp("a", 1, .text("x")), setOp("a", 2, field: "due", .text("2027-02-29"))], by: "a", log: MemoryOpLog())
        #expect(r?.code == .invalidOp && r?.index == 1)
        #expect(r?.message == "op 1 (a:2): items.due: \"2027-02-29\" is not a date YYYY-MM-DD")
    }

    @Test func aPushIsAllOrNothing() throws {
        var log = MemoryOpLog()
        _ = try push([setOp("a", 1, .text("x"))], by: "a", to: &log)
        let before = log.ops
        let batch = [setOp("a", 2, .text("ok")), incOp("a", 3, 1), setOp("a", 5, .text("gap"))]
        #expect(throws: Admission.Refusal.self) { _ = try push(batch, by: "a", to: &log) }
        #expect(log.ops == before && log.head == 1 && log.lastSeq(of: "a") == 1)
        #expect(log.storedOp(dot("a:2")) == nil)
        // the good prefix alone is fine afterwards
        #expect(try push(Array(batch.prefix(2)), by: "a", to: &log).accepted.count == 2)
    }

    @Test func memoryLogPagesBySincePosition() throws {
        var log = MemoryOpLog()
        _ = try push((1...5).map { incOp("a", UInt64($0), 1) }, by: "a", to: &log)
        #expect(log.ops(since: 0, limit: 2).map(\.log) == [1, 2])
        #expect(log.ops(since: 2, limit: 10).map(\.log) == [3, 4, 5])
        #expect(log.ops(since: 5, limit: 10).isEmpty && log.ops(since: 99, limit: 10).isEmpty)
        #expect(log.ops(since: 1, limit: 0).isEmpty)
        #expect(log.storedOp(dot("a:3")) == incOp("a", 3, 1))
    }
}
