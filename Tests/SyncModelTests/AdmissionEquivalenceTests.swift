import TestSupport
@testable import SyncModel
import Testing

/// ``Admission`` asks the log less than it used to (each node's last seq once per batch, no
/// per-op bookkeeping for duplicates inside a batch) and must decide exactly as before: the
/// previous implementation is kept here as the reference and both judge random batches.
@Suite("Admission equals its reference")
struct AdmissionEquivalenceTests {
    /// The rules as first written: a lookup per question, a dictionary of the batch's ops.
    /// The counter rule is checked against the sum of `logged`'s `inc`s, the log's ops read afresh.
    static func reference(_ ops: [Op], pushedBy node: String, schema: Schema, log: some OpLogIndex, logged: [Op],
                          wallMilliseconds wall: UInt64, maxSkewMilliseconds: UInt64) throws(Admission.Refusal) -> Outcome {
        typealias Refusal = Admission.Refusal
        var accepted: [Op] = []
        var duplicates = 0
        var batchLast: [String: UInt64] = [:]
        var batchOps: [Dot: Op] = [:]
        func last(_ n: String, at i: Int) throws(Refusal) -> UInt64 {
            if let s = batchLast[n] { return s }
            do { return try log.lastSeq(of: n) } catch { throw Refusal(code: .internalError, message: "\(error)", index: i) }
        }
        for (i, op) in ops.enumerated() {
            let name = "op \(i) (\(op.dot))"
            do { try schema.validate(op) } catch { throw Refusal(code: .invalidOp, message: "\(name): \(error.message)", index: i) }
            guard op.node == node else {
                throw Refusal(code: .invalidOp, message: "\(name): made by node \(op.node), pushed by node \(node)", index: i)
            }
            let lastSeq = try last(op.node, at: i)
            if op.seq <= lastSeq {
                let stored: Op?
                if let inBatch = batchOps[op.dot] { stored = inBatch } else {
                    do { stored = try log.storedOp(op.dot) } catch { throw Refusal(code: .internalError, message: "\(error)", index: i) }
                }
                guard stored == op.content else {
                    throw Refusal(code: .duplicateDot, message: "\(name): this dot is already in the log with other content; was the replica file copied?", index: i)
                }
                duplicates += 1
                continue
            }
            guard op.seq == lastSeq + 1 else {
                throw Refusal(code: .seqGap, message: "\(name): expected seq \(lastSeq + 1) of node \(op.node)", index: i)
            }
            if op.hlc.milliseconds > wall, op.hlc.milliseconds - wall > maxSkewMilliseconds {
                throw Refusal(code: .clockSkew, message: "\(name): hlc \(op.hlc) is \(op.hlc.milliseconds - wall) ms ahead of the server (allowed \(maxSkewMilliseconds) ms)", index: i)
            }
            for named in op.replaces + op.removes {
                guard named.seq <= (try last(named.node, at: i)) else {
                    throw Refusal(code: .invalidOp, message: "\(name): names \(named), which the server does not have", index: i)
                }
            }
            if op.kind == .inc, let delta = op.delta {
                let same = (logged + accepted).filter { $0.kind == .inc && $0.collection == op.collection && $0.row == op.row && $0.field == op.field }
                let total = same.reduce(Int64(0)) { $0 + ($1.delta ?? 0) }
                // Totals stay within ±2^53 and a delta is at most 2^53: no overflow here.
                guard (total + delta).magnitude <= 1 << 53 || (total + delta).magnitude < total.magnitude else {
                    throw Refusal(code: .invalidOp, message: "\(name): an inc of \(delta) would take \(op.collection).\(op.field) of \(op.row) beyond ±2^53, counting the log and the ops before it in this push", index: i)
                }
            }
            batchLast[op.node] = op.seq
            batchOps[op.dot] = op.content
            accepted.append(op)
        }
        return .admitted(accepted, duplicates: duplicates)
    }

    enum Outcome: Equatable {
        case admitted([Op], duplicates: Int)
        case refused(Admission.Refusal)
    }

    /// Counts the questions put to a log.
    final class CountingLog: OpLogIndex, @unchecked Sendable {
        let log: MemoryOpLog
        var lastSeqCalls: [String: Int] = [:]
        init(_ log: MemoryOpLog) { self.log = log }
        func lastSeq(of node: String) -> UInt64 {
            lastSeqCalls[node, default: 0] += 1
            return log.lastSeq(of: node)
        }
        func storedOp(_ dot: Dot) -> Op? { log.storedOp(dot) }
        func counterTotal(_ key: CounterKey) -> Int64 { log.counterTotal(key) }
    }

    static let wall: UInt64 = 1_000_000

    @Test func randomBatchesAreJudgedAlike() {
        var rng = SplitMix64(seed: 0xAD)
        var log = MemoryOpLog()
        let nodes = ["a", "b", "c"]
        var outcomes: [String: Int] = [:]
        for _ in 0..<4_000 {
            let pusher = rng.pick(nodes)
            var seq = log.lastSeq(of: pusher) + 1
            // Mostly good ops, with repeats, gaps, strangers, bad fields, unknown dots, late clocks.
            var batch: [Op] = []
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                var op: Op
                let named = "\(rng.pick(nodes)):\(Int.random(in: 1...4, using: &rng))"
                switch Int.random(in: 0..<12, using: &rng) {
                case 0: op = addOp(pusher, seq, "t")
                case 1: op = removeOp(pusher, seq, "t", removes: [named])
                case 2: op = setOp(pusher, seq, .text("v"), replaces: [named])
                case 3:
                    // Small steps, and leaps that reach for the ±2^53 bound of a counter's total.
                    let leap = Int64.random(in: (1 << 50)...(1 << 53), using: &rng)
                    op = incOp(pusher, seq, rng.chance(0.5) ? 2 : (rng.chance(0.7) ? leap : -leap), row: rng.pick(["r1", "r2"]))
                case 4: op = setOp(rng.pick(nodes), seq, .text("stranger"))
                case 5: op = setOp(pusher, seq, field: "colour", .text("x"))
                case 6: op = setOp(pusher, seq, .text("x"), hlc: ts(Self.wall + 400_000))
                case 7 where seq > 1:
                    // Repeat an earlier seq, from the log or the batch, same or other content.
                    let s = UInt64.random(in: 1..<seq, using: &rng)
                    let same = batch.first { $0.seq == s && $0.node == pusher } ?? log.storedOp(Dot(node: pusher, seq: s))
                    op = rng.chance(0.7) ? (same ?? incOp(pusher, s, 2)) : incOp(pusher, s, 99)
                    if rng.chance(0.3) { op.department = "echoed"; op.log = 7 }
                    batch.append(op)
                    continue
                case 8: op = incOp(pusher, seq + 1, 1)
                default: op = setOp(pusher, seq, .text("v\(seq)"))
                }
                batch.append(op)
                seq += 1
            }
            let counting = CountingLog(log)
            let expected: Outcome
            do { expected = try Self.reference(batch, pushedBy: pusher, schema: testSchema, log: log, logged: log.ops, wallMilliseconds: Self.wall, maxSkewMilliseconds: 300_000) } catch {
                expected = .refused(error)
            }
            let actual: Outcome
            do {
                let result = try Admission.admit(batch, pushedBy: pusher, schema: testSchema, log: counting, wallMilliseconds: Self.wall, maxSkewMilliseconds: 300_000)
                actual = .admitted(result.accepted, duplicates: result.duplicates)
            } catch {
                actual = .refused(error)
            }
            #expect(actual == expected, "\(batch.map(\.dot))")
            #expect(counting.lastSeqCalls.values.allSatisfy { $0 == 1 }, "\(counting.lastSeqCalls)")
            switch actual {
            case .admitted(let accepted, let duplicates):
                outcomes[duplicates > 0 ? "duplicates" : "accepted", default: 0] += 1
                log.append(accepted, department: "d")
            case .refused(let refusal):
                outcomes[refusal.message.contains("beyond ±2^53") ? "beyond ±2^53" : refusal.code.rawValue, default: 0] += 1
            }
        }
        for outcome in ["accepted", "duplicates", "invalid_op", "seq_gap", "duplicate_dot", "clock_skew", "beyond ±2^53"] {
            #expect(outcomes[outcome, default: 0] > 50, "\(outcome): \(outcomes)")
        }
        // Whatever was refused, every counter's total in the log stayed within the bound.
        var totals: [String: Int64] = [:]
        for op in log.ops where op.kind == .inc { totals[op.row, default: 0] += op.delta ?? 0 }
        #expect(totals.values.allSatisfy { $0.magnitude <= 1 << 53 }, "\(totals)")
    }
}
