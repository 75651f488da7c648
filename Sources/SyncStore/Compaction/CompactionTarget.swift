import SyncModel

/// How far `plansyncd compact` folds the log (issue 14): every op before a log position, or
/// every op received more than some days ago.
public enum CompactionTarget: Hashable, Sendable {
    /// `--before POSITION`: the ops at positions below it (the horizon becomes `POSITION - 1`).
    case before(position: UInt64)
    /// `--keep-days N`: the ops received more than N days before `now` (Unix milliseconds).
    case keepDays(Int, nowMilliseconds: UInt64)

    /// Milliseconds in a day.
    static let day: UInt64 = 86_400_000
}

/// What a compaction did.
public struct CompactionReport: Hashable, Sendable {
    /// The horizon before and after (equal when there was nothing to fold).
    public var previousHorizon: UInt64
    public var horizon: UInt64
    /// Ops deleted from the log, and snapshot rows written (rows the folded ops touched).
    public var foldedOps: Int
    public var rowsWritten: Int
    /// The file's size in bytes before and after (main file and WAL), nil when unknown.
    public var bytesBefore: UInt64?
    public var bytesAfter: UInt64?
}
