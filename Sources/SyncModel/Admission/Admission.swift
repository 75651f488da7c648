/// The server's acceptance rules for a push (DESIGN.md, "Causal delivery" and the error codes).
///
/// A push is all or nothing. For each op in order:
/// 1. it fits the schema (`invalid_op`) and was made by the pushing node (`invalid_op`);
/// 2. a seq at or below the node's last is a duplicate when its content equals the stored op
///    (counted, skipped) and `duplicate_dot` otherwise (a copied replica);
/// 3. the seq is the node's last + 1 (`seq_gap`);
/// 4. its HLC is at most the allowed skew ahead of the server's wall clock (`clock_skew`);
/// 5. every dot it replaces or removes is in the log or earlier in the batch (`invalid_op`).
///
/// ```swift
/// let result = try Admission.admit(ops, pushedBy: "sales-laptop", schema: schema, log: log,
///                                  wallMilliseconds: now, maxSkewMilliseconds: 300_000)
/// log.append(result.accepted, department: "sales")
/// ```
public enum Admission {
    /// The ops to append, in order, and how many were duplicates of ops already in the log.
    public struct Result: Equatable, Sendable {
        public var accepted: [Op]
        public var duplicates: Int
    }

    /// A refused push: the wire error code, a message naming the op, and the op's index in the batch.
    public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        public enum Code: String, Sendable {
            case invalidOp = "invalid_op"
            case seqGap = "seq_gap"
            case duplicateDot = "duplicate_dot"
            case clockSkew = "clock_skew"
            case internalError = "internal"
        }

        public let code: Code
        public let message: String
        public let index: Int

        public var description: String { "\(code.rawValue): \(message)" }
    }

    /// Decides on a batch. Throws ``Refusal`` for the first bad op; reads the log, changes nothing.
    public static func admit(_ ops: [Op], pushedBy node: String, schema: Schema, log: some OpLogIndex,
                             wallMilliseconds wall: UInt64, maxSkewMilliseconds: UInt64) throws(Refusal) -> Result {
        var result = Result(accepted: [], duplicates: 0)
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
                result.duplicates += 1
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
            batchLast[op.node] = op.seq
            batchOps[op.dot] = op.content
            result.accepted.append(op)
        }
        return result
    }
}
