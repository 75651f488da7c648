import SyncModel

extension SyncingReplica {
    /// The `sent_through` of a push whose highest seq is `last`: the replica's sent mark
    /// (``SyncModel/SyncingReplica/sentThrough()``) as it was, after raising it to `last`, so that
    /// the mark covers the push before it goes on the wire. nil when the replica keeps no mark.
    func sentThrough(raisingTo last: UInt64) throws -> UInt64? {
        guard let mark = try sentThrough() else { return nil }
        if last > mark { try markSent(through: last) }
        return mark
    }

    /// Lowers the sent mark after a refused push of `node` that stated `stated`: the daemon stored
    /// nothing of it, nor of the pushes behind it. When the refusal names an op of this node (seq
    /// s), no op from s on is stored either, from any earlier push (a node's ops are stored without
    /// gaps, and a stored op sent again is a duplicate, not refused), so the mark comes down to
    /// s − 1. Nothing when the push stated no mark.
    func unmarkRefused(stated: UInt64?, message: String, node: String) throws {
        guard let stated else { return }
        try unmarkSent(downTo: RefusedOp.seq(in: message, node: node).map { min(stated, $0 - 1) } ?? stated)
    }
}
