/// What one ``SyncClient/sync()`` did.
public struct SyncSummary: Equatable, Sendable {
    /// Own ops the daemon appended to its log.
    public var pushed: Int = 0
    /// Own ops the daemon already had (a push whose `ack` was lost, sent again).
    public var duplicates: Int = 0
    /// Ops received in `changes`, own ops coming back included.
    public var pulled: Int = 0
    /// Received ops made by other nodes, handed to the replica to apply.
    public var applied: Int = 0
    /// Own ops the daemon had lost (a restored backup) and that were pushed again from this replica.
    public var resent: Int = 0
    /// Unsent ops re-stamped with the corrected local clock after a `clock_skew` refusal.
    public var restamped: Int = 0
    /// The daemon's last log position as last seen.
    public var head: UInt64 = 0
    /// The replica's cursor at the end: equal to ``head`` when the sync completed.
    public var cursor: UInt64 = 0

    /// Snapshot rows installed by a bootstrap (the daemon's log was compacted past the cursor).
    public var snapshotRows: Int = 0
    /// The horizon of the snapshot this sync bootstrapped from, nil when it did not.
    public var bootstrapped: UInt64?

    /// All zero: nothing done yet.
    public init() {}
}
