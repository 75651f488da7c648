import GRDB
import SyncModel

/// `ps_identity.acknowledged_seq`: the highest own seq a daemon ever acknowledged. It only grows
/// (a rekey, which gives the replica a new node, starts it over at 0).
///
/// After the daemon is restored from an older backup, the replica puts its acknowledged ops back
/// in the outbox to send them again (``ReplicaStore/requeueOwnOps(from:)``). Other replicas may
/// have pulled those ops before the restore, so they must never be dropped: dropping renumbers the
/// ops after them into their dots, and a dot would then name two different ops. This mark is how
/// `outbox discard` tells them from ops no one has seen.
enum AcknowledgedSeq {
    private static let mark = IdentityMark(column: "acknowledged_seq")

    static func read(_ db: Database) throws -> UInt64 { try mark.read(db) }

    /// Raises the mark to `seq` (never lowers it).
    static func raise(_ db: Database, to seq: UInt64) throws { try mark.raise(db, to: seq) }

    /// Sets the mark to `seq`: a bootstrap carrying it over, a rekey starting it over.
    static func set(_ db: Database, to seq: UInt64) throws { try mark.set(db, to: seq) }

    /// The migration's first value: every own op before the first unsent one was acknowledged.
    static let migration = """
        ALTER TABLE ps_identity ADD COLUMN acknowledged_seq INTEGER NOT NULL DEFAULT 0;
        UPDATE ps_identity SET acknowledged_seq = coalesce((SELECT min(seq) FROM ps_outbox), next_seq) - 1;
        """
}

extension AcknowledgedSeq {
    /// The first of `ops` that is an op of `node` at or below the mark (acknowledged once), and
    /// the mark: what `outbox discard` and `rekey` must leave where it is.
    static func firstAcknowledged(_ ops: [Op], node: String, _ db: Database) throws -> (op: Op?, mark: UInt64) {
        let acknowledged = try read(db)
        return (ops.first { $0.node == node && $0.seq <= acknowledged }, acknowledged)
    }

    /// Throws ``StoreError/invalidArgument(_:)`` when one of `ops` is an op of `node` at or below
    /// the mark: `outbox discard` must not drop it. Returns the mark.
    @discardableResult
    static func refuseDiscarding(_ ops: [Op], node: String, _ db: Database) throws -> UInt64 {
        let (seen, acknowledged) = try firstAcknowledged(ops, node: node, db)
        if let seen { throw StoreError.invalidArgument(refusal(seen.dot)) }
        return acknowledged
    }

    /// Why `dot`, an op a daemon acknowledged once, cannot be discarded.
    private static func refusal(_ dot: Dot) -> String {
        "\(dot) was acknowledged by the daemon before (it is being sent again after a restore of the daemon), "
            + "so other replicas may hold it: it cannot be discarded. It goes through once the daemon takes it again: "
            + "for a counter's bound once the other laptops have synced, for access rules once the operator lets "
            + "this department write it (docs/operations.md, \"Restoring the daemon from a backup\")"
    }
}
