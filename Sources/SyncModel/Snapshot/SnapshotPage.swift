/// One page of a snapshot as it is stored and sent: the snapshot's horizon and version vector,
/// and up to a page of records as their JSON text (``SnapshotRecord/encoded()``), in key order.
///
/// Pages are resumable: ``next`` is the key of the last record here (or the `after` asked for,
/// when there is none), to send as the next `after`; ``more`` says whether records follow it.
/// Every page of one transfer names the same ``horizon``: a daemon whose snapshot moved on since
/// the first page answers with ``SnapshotRequired`` instead, and the transfer starts again.
public struct SnapshotPage: Hashable, Sendable {
    /// The last log position the snapshot folds in.
    public var horizon: UInt64
    /// node → highest seq folded in.
    public var versionVector: VersionVector
    /// Record texts, each one JSON object without a line break, in key order.
    public var records: [[UInt8]]
    /// The key of the last record, or the request's `after` when there is none (nil: the start).
    public var next: SnapshotKey?
    /// Whether records follow ``next``.
    public var more: Bool

    public init(horizon: UInt64, versionVector: VersionVector, records: [[UInt8]], next: SnapshotKey?, more: Bool) {
        self.horizon = horizon
        self.versionVector = versionVector
        self.records = records
        self.next = next
        self.more = more
    }

    /// The page of `snapshot` after `after` (nil: from the start): at most `limit` records and
    /// about `maxBytes` of record text (always at least one record when any is left), of the
    /// collections `readable` admits.
    public static func of(_ snapshot: Snapshot, after: SnapshotKey?, limit: Int, maxBytes: Int,
                          readable: (String) -> Bool = { _ in true }) throws(NonFiniteNumber) -> SnapshotPage {
        let candidates = snapshot.records(after: after, limit: max(1, limit) + 1, readable: readable)
        var records: [[UInt8]] = []
        var bytes = 0
        var next = after
        for record in candidates.prefix(max(1, limit)) {
            let json = try record.encoded()
            if !records.isEmpty, bytes + json.count > maxBytes { break }
            records.append(json)
            bytes += json.count
            next = record.key
        }
        return SnapshotPage(horizon: snapshot.horizon, versionVector: snapshot.versionVector, records: records, next: next,
                            more: candidates.count > records.count)
    }
}

/// A reader is behind the log's horizon: the ops it asks for were compacted, or the snapshot it
/// was paging through was replaced. It must take the snapshot at ``horizon`` first (the wire's
/// `snapshot_required`).
public struct SnapshotRequired: Error, Hashable, Sendable, CustomStringConvertible {
    /// The horizon of the daemon's snapshot now.
    public let horizon: UInt64

    public init(horizon: UInt64) { self.horizon = horizon }

    public var description: String { "the log is compacted through position \(horizon): take the snapshot first" }
}
