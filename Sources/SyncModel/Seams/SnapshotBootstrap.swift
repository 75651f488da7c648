/// A replica being built from a snapshot beside the one in use (issue 14): what the sync client
/// needs to bootstrap a replica whose cursor fell behind the daemon's horizon. Every method is
/// one transaction on the new replica; the one in use is not touched until ``finish()``.
///
/// Order: ``install(_:next:complete:)`` the snapshot's pages (from ``resumeAfter()``: a transfer
/// cut off resumes where it stopped), then ``applyRemote(_:cursor:)`` the log after the horizon
/// until caught up, then ``finish()``, which carries this replica's unsent ops, node, seq, clock,
/// server, token and rules over, re-applies the unsent ops on top, and swaps the new replica in
/// atomically: after a crash at any moment the replica is the old one or the new one, never a mix.
public protocol SnapshotBootstrap: Sendable {
    /// The snapshot's horizon.
    var horizon: UInt64 { get }
    /// Whether every page is installed.
    func isComplete() throws -> Bool
    /// The key after which pages are still needed (nil: from the first record).
    func resumeAfter() throws -> SnapshotKey?
    /// Installs one page of record texts (``SnapshotRecord``), checked against the schema, and
    /// remembers `next` for resuming; with `complete`, the snapshot is whole and the new
    /// replica's cursor becomes the horizon. A bad record throws and installs nothing.
    func install(_ records: [[UInt8]], next: SnapshotKey?, complete: Bool) throws
    /// The new replica's cursor (the horizon once complete).
    func cursor() throws -> UInt64
    /// Applies pulled ops to the new replica, as ``SyncingReplica/applyRemote(_:cursor:)``.
    func applyRemote(_ ops: [Op], cursor: UInt64) throws
    /// Carries the unsent ops and the identity over and swaps the new replica in; from then on
    /// the ``SyncingReplica`` that began this bootstrap is the new replica. The unsent ops named
    /// in `discarding` (as they were listed) are left behind, the others renumbered around them
    /// (``OutboxDiscard``); an op that is not unsent, that the daemon already holds, or whose dot
    /// now names another op (renumbered since it was listed) throws and swaps nothing.
    func finish(discarding: [Op]) throws
}

extension SnapshotBootstrap {
    /// ``finish(discarding:)`` keeping every unsent op.
    public func finish() throws { try finish(discarding: []) }
}
