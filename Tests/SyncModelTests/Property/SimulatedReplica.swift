import SyncModel

/// One simulated department laptop: an in-memory replica, its own HLC on a drifting wall clock,
/// an outbox of unacknowledged ops and a cursor into the server log.
struct SimulatedReplica {
    let node: String
    let department: String
    var state: ReplicaState
    var clock = HybridLogicalClock()
    /// This laptop's wall clock minus true time, in ms; it drifts and sometimes steps back.
    var clockOffset: Int64
    var nextSeq: UInt64 = 1
    /// Own ops the server has not acknowledged, in seq order.
    var outbox: [Op] = []
    /// Own ops the server acknowledged, in seq order (kept to re-push them as duplicates).
    var acked: [Op] = []
    /// Server log position applied so far.
    var cursor: UInt64 = 0
    var rowsCreated = 0

    init(node: String, department: String, schema: Schema, clockOffset: Int64) {
        self.node = node
        self.department = department
        self.state = ReplicaState(schema: schema)
        self.clockOffset = clockOffset
    }

    /// The laptop's wall clock reading at true time `now`, with a little jitter.
    func wall(at now: UInt64, jitter: Int64) -> UInt64 {
        UInt64(max(0, Int64(now) + clockOffset + jitter))
    }

    /// Node, next seq and an HLC reading for a local write (the send rule).
    mutating func stamp(wall: UInt64) throws -> OpBuilder.Stamp {
        let hlc = try clock.now(wallMilliseconds: wall)
        defer { nextSeq += 1 }
        return OpBuilder.Stamp(node: node, seq: nextSeq, hlc: hlc)
    }

    /// A local write: applied at once, then queued for the server.
    mutating func commit(_ op: Op) throws {
        guard case .applied = try state.apply(op) else { throw SimulationError("own op \(op.dot) was skipped") }
        outbox.append(op)
    }

    /// Rows by liveness, as (collection, id), in canonical order so a seed replays exactly.
    func rows(deleted: Bool) -> [(collection: String, id: String)] {
        var out: [(collection: String, id: String)] = []
        for c in state.rows.keys.sorted() {
            for (id, row) in state.rows[c]!.sorted(by: { $0.key < $1.key }) where row.isDeleted == deleted {
                out.append((c, id.string))
            }
        }
        return out
    }
}

struct SimulationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
