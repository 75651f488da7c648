/// What the server's op log must answer for ``Admission`` to decide on a push.
///
/// The log holds each node's ops from seq 1 without gaps, so a dot is in the log exactly when its
/// seq is at or below ``lastSeq(of:)`` of its node. A compacted log keeps the ops at or below its
/// horizon only as a ``Snapshot``: those dots are known (``foldedSeq(of:)``), their content is not.
public protocol OpLogIndex {
    /// The highest seq of `node` in the log, compacted ops included, 0 if none.
    func lastSeq(of node: String) throws -> UInt64
    /// The stored content (``Op/content``) of `dot`, nil if it is not in the log or was compacted.
    func storedOp(_ dot: Dot) throws -> Op?
    /// The highest seq of `node` folded into the log's snapshot (its version vector entry): the
    /// dots at or below it were compacted, and their content is gone. 0 when nothing was.
    /// A requirement, so calls through a generic log reach the store's own answer.
    func foldedSeq(of node: String) throws -> UInt64
    /// The sum of every `inc` delta of `key` in the log, compacted ops included (wrapping at
    /// ±2^63, like ``PNCounter``); 0 for a counter never incremented. ``Admission`` keeps it
    /// within ±2^53.
    func counterTotal(_ key: CounterKey) throws -> Int64
}

extension OpLogIndex {
    /// An uncompacted log: nothing folded.
    public func foldedSeq(of node: String) throws -> UInt64 { 0 }
}

/// An in-memory op log: the server log of the model, used by property tests and as a reference.
/// It may be compacted (``compact(through:schema:)``): the ops up to the horizon are then
/// folded into ``snapshot`` and leave ``ops``.
public struct MemoryOpLog: OpLogIndex, Sendable {
    /// The ops after the horizon in log order; position = ``horizon`` + index + 1.
    public private(set) var ops: [Op] = []
    /// The merged state of the compacted positions 1…horizon; nil before the first compaction.
    public private(set) var snapshot: Snapshot?
    private var last: [String: UInt64] = [:]
    private var byDot: [Dot: UInt64] = [:]
    private var totals: [CounterKey: Int64] = [:]

    public init() {}

    /// The last compacted position (0: never compacted). A reader behind it needs the snapshot.
    public var horizon: UInt64 { snapshot?.horizon ?? 0 }

    public func lastSeq(of node: String) -> UInt64 { last[node] ?? 0 }

    public func storedOp(_ dot: Dot) -> Op? { byDot[dot].map { ops[Int($0 - horizon - 1)].content } }

    public func foldedSeq(of node: String) -> UInt64 { snapshot?.versionVector[node] ?? 0 }

    public func counterTotal(_ key: CounterKey) -> Int64 { totals[key] ?? 0 }

    /// The log's last position (0 when empty).
    public var head: UInt64 { horizon + UInt64(ops.count) }

    /// Appends admitted ops, stamping department and log position; returns them as stamped.
    @discardableResult
    public mutating func append(_ admitted: [Op], department: String) -> [Op] {
        var stamped: [Op] = []
        for var op in admitted {
            op.department = department
            op.log = head + 1
            byDot[op.dot] = head + 1
            last[op.node] = op.seq
            if let key = CounterKey(op), let delta = op.delta { totals[key, default: 0] &+= delta }
            ops.append(op)
            stamped.append(op)
        }
        return stamped
    }

    /// Ops with position > `since` that the log still holds (none at or below ``horizon``), at
    /// most `limit`. A reader with `since` below the horizon must first take the snapshot.
    public func ops(since: UInt64, limit: Int) -> [Op] {
        let start = Int(min(max(since, horizon) - horizon, UInt64(ops.count)))
        return Array(ops[start..<min(ops.count, start + max(0, limit))])
    }

    /// Folds the ops up to position `horizon` into ``snapshot`` and drops them. A horizon at or
    /// below the current one changes nothing; one beyond the head throws ``CompactionError``.
    public mutating func compact(through newHorizon: UInt64, schema: Schema) throws(CompactionError) {
        guard newHorizon <= head else { throw CompactionError("horizon \(newHorizon) is beyond the log head \(head)") }
        guard newHorizon > horizon else { return }
        let count = Int(newHorizon - horizon)
        var folded = snapshot ?? Snapshot(schema: schema)
        try folded.fold(ops.prefix(count))
        for op in ops.prefix(count) { byDot.removeValue(forKey: op.dot) }
        ops.removeFirst(count)
        snapshot = folded
    }
}
