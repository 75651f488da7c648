/// The server's acceptance rules for a push (DESIGN.md, "Causal delivery" and the error codes).
///
/// A push is all or nothing. For each op in order:
/// 1. it fits the schema (`invalid_op`) and was made by the pushing node (`invalid_op`);
/// 2. a seq at or below the node's last is a duplicate when its content equals the stored op
///    (counted, skipped) and `duplicate_dot` otherwise (a copied replica); a dot the log has
///    compacted (``OpLogIndex/foldedSeq(of:)``) is counted a duplicate unseen, its content gone,
///    unless the push's `sentThrough` is below it: its replica never sent that op before, so
///    another replica made the compacted one under the same node id (a copied file, or a node id
///    used again after a reinstall), and the op is refused with `duplicate_dot`;
/// 3. the seq is the node's last + 1 (`seq_gap`);
/// 4. its HLC is at most the allowed skew ahead of the server's wall clock (`clock_skew`);
/// 5. every dot it replaces or removes is in the log or earlier in the batch (`invalid_op`);
///    a compacted dot is in the log: ``OpLogIndex/lastSeq(of:)`` counts the snapshot's marks;
/// 6. an `inc` keeps its counter's total in the log, earlier ops of the batch included, within
///    ±2^53 (``PNCounter/sum(_:adding:)``; `invalid_op`). Replicas that each stayed in range
///    offline can together leave it; the daemon orders their pushes, so the one that would is
///    refused and its author sees it (`plansync outbox discard` drops it).
///
/// ```swift
/// let result = try Admission.admit(ops, pushedBy: "sales-laptop", sentThrough: 12, schema: schema, log: log,
///                                  wallMilliseconds: now, maxSkewMilliseconds: 300_000)
/// log.append(result.accepted, department: "sales")
/// ```
public enum Admission {
    /// The ops to append, in order, and how many were duplicates of ops already in the log.
    public struct Result: Equatable, Sendable {
        public var accepted: [Op]
        public var duplicates: Int
        /// The log totals of the counters the accepted ops increment, after them: what a store
        /// that keeps totals (``OpLogIndex/counterTotal(_:)``) writes with the ops.
        public var counterTotals: [CounterKey: Int64] = [:]
    }

    /// A refused push: the wire error code, a message naming the op, and the op's index in the batch.
    public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        public enum Code: String, Sendable {
            case invalidOp = "invalid_op"
            case seqGap = "seq_gap"
            case duplicateDot = "duplicate_dot"
            case clockSkew = "clock_skew"
            /// The pushing department may not write an op (``Admission/checkAccess(_:department:rules:)``).
            case forbidden = "forbidden"
            case internalError = "internal"
        }

        public let code: Code
        public let message: String
        public let index: Int

        public var description: String { "\(code.rawValue): \(message)" }
    }

    /// Decides on a batch. Throws ``Refusal`` for the first bad op; reads the log, changes nothing.
    ///
    /// The log is asked at most once per node for its last seq (it does not change during the
    /// decision), and for stored content only when an op repeats a dot already in the log.
    /// `sentThrough` is the push's `sent_through` (``PendingPush/sentThrough``), nil when unknown.
    public static func admit(_ ops: [Op], pushedBy node: String, sentThrough: UInt64? = nil, schema: Schema, log: some OpLogIndex,
                             wallMilliseconds wall: UInt64, maxSkewMilliseconds: UInt64) throws(Refusal) -> Result {
        var result = Result(accepted: [], duplicates: 0)
        result.accepted.reserveCapacity(ops.count)
        var logLast: [String: UInt64] = [:]
        // Every accepted op is the pusher's (others are refused), numbered on from its last seq in
        // the log: the pusher's op with seq s > that is accepted[s - logged - 1].
        var batchLast: UInt64?
        func logged(_ n: String, at i: Int) throws(Refusal) -> UInt64 {
            if let s = logLast[n] { return s }
            let s: UInt64
            do { s = try log.lastSeq(of: n) } catch { throw Refusal(code: .internalError, message: "\(error)", index: i) }
            logLast[n] = s
            return s
        }
        var foldedSeq: UInt64?
        func folded(_ n: String, at i: Int) throws(Refusal) -> UInt64 {
            if let s = foldedSeq { return s }
            let s: UInt64
            do { s = try log.foldedSeq(of: n) } catch { throw Refusal(code: .internalError, message: "\(error)", index: i) }
            foldedSeq = s
            return s
        }
        func last(_ n: String, at i: Int) throws(Refusal) -> UInt64 {
            if n == node, let s = batchLast { return s }
            return try logged(n, at: i)
        }
        for (i, op) in ops.enumerated() {
            func name() -> String { "op \(i) (\(op.dot))" }
            do { try schema.validateNew(op) } catch { throw Refusal(code: .invalidOp, message: "\(name()): \(error.message)", index: i) }
            guard op.node == node else {
                throw Refusal(code: .invalidOp, message: "\(name()): made by node \(op.node), pushed by node \(node)", index: i)
            }
            let lastSeq = try last(op.node, at: i)
            if op.seq <= lastSeq {
                let inLog = try logged(node, at: i)
                if op.seq <= inLog, op.seq <= (try folded(node, at: i)) {
                    // Compacted: the dot is known, its content is gone. Sent before, it is this
                    // op again (a lost ack); never sent before, another replica made that one.
                    if let sentThrough, op.seq > sentThrough {
                        throw Refusal(code: .duplicateDot, message: "\(name()): this dot is in the daemon's compacted history, and this replica never "
                            + "sent it before (it sent up to seq \(sentThrough)): another replica made ops under node id \(node); "
                            + "was the replica file copied, or the node id used again?", index: i)
                    }
                    result.duplicates += 1
                    continue
                }
                let stored: Op?
                if op.seq > inLog {
                    stored = result.accepted[Int(op.seq - inLog - 1)].content
                } else {
                    do { stored = try log.storedOp(op.dot) } catch { throw Refusal(code: .internalError, message: "\(error)", index: i) }
                }
                guard stored == op.content else {
                    throw Refusal(code: .duplicateDot, message: "\(name()): this dot is already in the log with other content; was the replica file copied?", index: i)
                }
                result.duplicates += 1
                continue
            }
            guard op.seq == lastSeq + 1 else {
                throw Refusal(code: .seqGap, message: "\(name()): expected seq \(lastSeq + 1) of node \(op.node)", index: i)
            }
            if op.hlc.milliseconds > wall, op.hlc.milliseconds - wall > maxSkewMilliseconds {
                throw Refusal(code: .clockSkew, message: "\(name()): hlc \(op.hlc) is \(op.hlc.milliseconds - wall) ms ahead of the server (allowed \(maxSkewMilliseconds) ms)", index: i)
            }
            for named in op.replaces where named.seq > (try last(named.node, at: i)) {
                throw Refusal(code: .invalidOp, message: "\(name()): names \(named), which the server does not have", index: i)
            }
            for named in op.removes where named.seq > (try last(named.node, at: i)) {
                throw Refusal(code: .invalidOp, message: "\(name()): names \(named), which the server does not have", index: i)
            }
            if let key = CounterKey(op), let delta = op.delta {
                let total: Int64
                if let running = result.counterTotals[key] { total = running } else {
                    do { total = try log.counterTotal(key) } catch { throw Refusal(code: .internalError, message: "\(error)", index: i) }
                }
                guard let sum = PNCounter.sum(total, adding: delta) else {
                    throw Refusal(code: .invalidOp, message: "\(name()): an inc of \(delta) would take \(key) beyond ±2^53, counting the log and the ops before it in this push", index: i)
                }
                result.counterTotals[key] = sum
            }
            batchLast = op.seq
            result.accepted.append(op)
        }
        return result
    }
}
