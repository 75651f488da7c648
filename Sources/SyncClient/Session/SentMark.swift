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
}
