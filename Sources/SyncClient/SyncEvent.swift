/// What a ``SyncClient`` reports while it works, through ``SyncClientOptions/onEvent``.
public enum SyncEvent: Sendable, Equatable {
    /// A session opened: the server's node id, the department the token is bound to, and its head.
    case connected(server: String, department: String, head: UInt64)
    /// The local clock is this many milliseconds away from the server's (positive: local is
    /// ahead). Sent when the distance exceeds ``SyncClientOptions/clockWarningMilliseconds``.
    case clockDrift(milliseconds: Int64)
    /// A bootstrap from the daemon's snapshot at log position `horizon` begins (its log was
    /// compacted past this replica's cursor), in `sync` or before `watch` subscribes. It can take
    /// long: the replica is built anew beside the old one.
    case bootstrapping(horizon: UInt64)
    /// Ops moved so far in this sync or watch session.
    case progress(SyncProgress)
    /// A live `changes` batch was applied by `watch`: how many ops (this replica's own, coming
    /// back, included), how many of them other nodes made, and the new cursor.
    case applied(ops: Int, fromOthers: Int, cursor: UInt64)
    /// The daemon lacked own ops this replica had pushed (its log was restored from an older
    /// backup, or lost them otherwise): `count` of them were sent again, with their original dots.
    case resent(count: Int)
    /// Unsent ops the daemon refused with `clock_skew` got new HLC readings from the (now
    /// correct) local clock and were pushed again.
    case restamped(count: Int)
    /// The daemon's log ends at `head`, below this replica's cursor: it was restored from an
    /// older backup. The cursor was moved back to 0, so this sync reads the whole log again
    /// (ops already applied are skipped by dot).
    case lostHistory(cursor: UInt64, head: UInt64)
    /// `watch` lost its session and retries after `retryIn` (seconds).
    case disconnected(SyncClientError, retryIn: Double)
}
