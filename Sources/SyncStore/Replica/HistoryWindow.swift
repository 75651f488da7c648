import GRDB
import SyncModel

/// How far back a replica's local records reach (issue 14, "Bounded replicas"): the op record
/// behind `plansync log` and the conflict history behind `plansync conflicts history`. Both are
/// local records, not part of the merged state; they keep a window of days (``ReplicaStore/defaultHistoryDays``
/// unless `plansync compact --keep-days N` set another), trimmed by ``ReplicaStore/trimHistory(keepDays:nowMilliseconds:)``.
public struct HistoryReach: Hashable, Sendable {
    /// The window, in days.
    public var keepDays: Int
    /// When the oldest op still in the op record was applied (Unix milliseconds); nil: empty.
    public var opRecordSince: UInt64?
    /// When the oldest conflict history entry still kept was recorded (Unix milliseconds); nil: empty.
    public var conflictHistorySince: UInt64?
}

/// What ``ReplicaStore/trimHistory(keepDays:nowMilliseconds:)`` dropped, and the reach after it.
public struct HistoryTrim: Hashable, Sendable {
    /// Ops dropped from the op record.
    public var opsDropped: Int
    /// Conflict history entries (one per discarded value) dropped.
    public var conflictEntriesDropped: Int
    public var reach: HistoryReach
}

extension ReplicaStore {
    /// The window kept when none was set: 90 days.
    public static let defaultHistoryDays = 90
    /// The longest window accepted: 100 years.
    public static let maxHistoryDays = 36_500

    /// The window and how far back the op record and the conflict history reach now.
    public func historyReach() throws -> HistoryReach {
        try read { db in try ReplicaStore.historyReach(db) }
    }

    /// Drops the op record's entries applied, and the conflict history's entries recorded, more
    /// than the window's days before `nowMilliseconds` (default: the wall clock), in one
    /// transaction. With `keepDays`, that becomes this replica's window first. The merged state,
    /// the outbox and the open conflicts are not touched. Throws ``StoreError/invalidArgument(_:)``
    /// for a window outside 0…``maxHistoryDays`` (nothing changes), ``StoreError/daemonFile(_:)``
    /// or ``StoreError/readOnly(_:)`` for a file this process may not change.
    @discardableResult
    public func trimHistory(keepDays: Int? = nil, nowMilliseconds: UInt64? = nil) throws -> HistoryTrim {
        if let keepDays, !(0...ReplicaStore.maxHistoryDays).contains(keepDays) {
            throw StoreError.invalidArgument("--keep-days must be from 0 to \(ReplicaStore.maxHistoryDays)")
        }
        try checkWritable()
        let now = nowMilliseconds ?? wallClock.milliseconds()
        return try write { db in
            if let keepDays {
                try db.execute(sql: "INSERT INTO ps_history_window (id, days) VALUES (1, ?) ON CONFLICT DO UPDATE SET days = excluded.days",
                               arguments: [keepDays])
            }
            let days = try ReplicaStore.historyDays(db)
            let span = UInt64(days) * 86_400_000
            let cutoff = Int64(clamping: now > span ? now - span : 0)
            let ops = try Int.fetchOne(db, sql: "SELECT coalesce(sum(count), 0) FROM ps_op_record WHERE applied_at < ?", arguments: [cutoff]) ?? 0
            try db.execute(sql: "DELETE FROM ps_op_record WHERE applied_at < ?", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM ps_conflict_history WHERE recorded_at < ?", arguments: [cutoff])
            let entries = db.changesCount
            return HistoryTrim(opsDropped: ops, conflictEntriesDropped: entries, reach: try ReplicaStore.historyReach(db))
        }
    }

    static func historyDays(_ db: Database) throws -> Int {
        // A file not yet migrated (opened read-only) has no window of its own: the default.
        guard try db.tableExists("ps_history_window") else { return defaultHistoryDays }
        return try Int.fetchOne(db, sql: "SELECT days FROM ps_history_window WHERE id = 1") ?? defaultHistoryDays
    }

    static func historyReach(_ db: Database) throws -> HistoryReach {
        let since = { (sql: String) throws -> UInt64? in try Int64.fetchOne(db, sql: sql).map { UInt64(max(0, $0)) } }
        return HistoryReach(keepDays: try historyDays(db),
                            opRecordSince: try since("SELECT min(applied_at) FROM ps_op_record"),
                            conflictHistorySince: try since("SELECT min(recorded_at) FROM ps_conflict_history"))
    }
}
