/// The merged state of a log's first ``horizon`` positions: what compaction keeps of the ops it
/// deletes (issue 14, docs/merge-semantics.md §9).
///
/// - ``state`` is the ``ReplicaState`` a replica holds after applying positions 1…horizon, so
///   every later op merges into it exactly as it would into the uncompacted history.
/// - ``versionVector`` is node → highest seq at or below the horizon. Each node's ops sit in the
///   log in seq order without gaps, so the ops the snapshot folded are exactly the dots
///   `(node, seq)` with `seq ≤ versionVector[node]`: the server still knows every such dot when a
///   later op names it (`replaces`, `removes`), and a node's next seq follows it.
///
/// ```swift
/// var snapshot = Snapshot(schema: schema)
/// try snapshot.fold(log.ops(through: 120))        // horizon 120
/// let page = snapshot.records(after: nil, limit: 500)
/// var replica = Snapshot.bootstrap(schema: schema, versionVector: snapshot.versionVector, records: page)
/// ```
public struct Snapshot: Sendable, Equatable {
    /// The last log position folded in (0: nothing).
    public private(set) var horizon: UInt64
    /// The merged state at the horizon; its applied marks are ``versionVector``.
    public private(set) var state: ReplicaState

    /// An empty snapshot (horizon 0).
    public init(schema: Schema) {
        horizon = 0
        state = ReplicaState(schema: schema)
    }

    /// A snapshot rebuilt from its records (as stored or received).
    public init(horizon: UInt64, versionVector: VersionVector, records: some Sequence<SnapshotRecord>, schema: Schema) {
        self.horizon = horizon
        state = Snapshot.bootstrap(schema: schema, versionVector: versionVector, records: records)
    }

    /// node → highest seq folded in: the per-node high-water marks of positions 1…horizon.
    public var versionVector: VersionVector { state.applied }

    /// Folds the next log ops in: each must carry the position right after the horizon
    /// (`op.log == horizon + 1`), else ``CompactionError`` and nothing of that op changes.
    public mutating func fold(_ ops: some Sequence<Op>) throws(CompactionError) {
        for op in ops {
            guard let position = op.log, position == horizon + 1 else {
                throw CompactionError("op \(op.dot) at log position \(op.log.map(String.init) ?? "none"), expected \(horizon + 1)")
            }
            do { try state.apply(op) } catch {
                throw CompactionError("op \(op.dot) at log position \(position): \(error.message)")
            }
            horizon = position
        }
    }

    /// Every row's record in key order (``SnapshotKey``), of the collections `readable` admits.
    public func records(readable: (String) -> Bool = { _ in true }) -> [SnapshotRecord] {
        records(after: nil, limit: .max, readable: readable)
    }

    /// At most `limit` records after `after` (nil: from the first) in key order, of the
    /// collections `readable` admits: one page of a resumable transfer.
    public func records(after: SnapshotKey?, limit: Int, readable: (String) -> Bool = { _ in true }) -> [SnapshotRecord] {
        var out: [SnapshotRecord] = []
        for (c, table) in ReplicaState.sorted(state.rows) where readable(c) {
            if let after, ExactText.less(c, after.collection) { continue }
            for (id, row) in ReplicaState.sorted(table) {
                let record = SnapshotRecord(collection: c, row: id.string, state: row)
                if let after, !(after < record.key) { continue }
                guard out.count < limit else { return out }
                out.append(record)
            }
        }
        return out
    }

    /// A replica's state made from snapshot records: their rows, with applied marks
    /// `versionVector`, so that ops at or below the horizon are skipped and later ones apply.
    public static func bootstrap(schema: Schema, versionVector: VersionVector, records: some Sequence<SnapshotRecord>) -> ReplicaState {
        var rows: [String: [ExactText: RowState]] = [:]
        for record in records { rows[record.collection, default: [:]][ExactText(record.row)] = record.state }
        return ReplicaState(schema: schema, rows: rows, applied: versionVector)
    }
}

/// A fold that cannot go on: an op out of log order, or one the schema refuses.
public struct CompactionError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
