/// What the server's op log must answer for ``Admission`` to decide on a push.
///
/// The log holds each node's ops from seq 1 without gaps, so a dot is in the log exactly when its
/// seq is at or below ``lastSeq(of:)`` of its node.
public protocol OpLogIndex {
    /// The highest seq of `node` in the log, 0 if none.
    func lastSeq(of node: String) throws -> UInt64
    /// The stored content (``Op/content``) of `dot`, nil if it is not in the log.
    func storedOp(_ dot: Dot) throws -> Op?
}

/// An in-memory op log: the server log of the model, used by property tests and as a reference.
public struct MemoryOpLog: OpLogIndex, Sendable {
    /// Ops in log order; position = index + 1.
    public private(set) var ops: [Op] = []
    private var last: [String: UInt64] = [:]
    private var byDot: [Dot: Int] = [:]

    public init() {}

    public func lastSeq(of node: String) -> UInt64 { last[node] ?? 0 }

    public func storedOp(_ dot: Dot) -> Op? { byDot[dot].map { ops[$0].content } }

    /// The log's last position (0 when empty).
    public var head: UInt64 { UInt64(ops.count) }

    /// Appends admitted ops, stamping department and log position; returns them as stamped.
    @discardableResult
    public mutating func append(_ admitted: [Op], department: String) -> [Op] {
        var stamped: [Op] = []
        for var op in admitted {
            op.department = department
            op.log = UInt64(ops.count + 1)
            byDot[op.dot] = ops.count
            last[op.node] = op.seq
            ops.append(op)
            stamped.append(op)
        }
        return stamped
    }

    /// Ops with position > `since`, at most `limit`.
    public func ops(since: UInt64, limit: Int) -> [Op] {
        let start = Int(min(since, UInt64(ops.count)))
        return Array(ops[start..<min(ops.count, start + max(0, limit))])
    }
}
