import Foundation
import GRDB
import SyncModel

/// Compaction of the daemon's log (issue 14, docs/operations.md "Retention"): the ops up to a
/// horizon are folded into the snapshot (`ps_snapshot`, one ``SyncModel/SnapshotRecord`` per
/// row, and its version vector `ps_snapshot_vv`), deleted from `ps_log`, and the file shrinks.
///
/// Safe while a daemon serves the same file from another process: the fold, the new horizon and
/// the deletion are one IMMEDIATE transaction, so a reader sees the log before or after it, and
/// a pull behind the new horizon is answered `snapshot_required`.
extension ServerLog {
    /// Ops read per run while folding.
    static let foldRun = 5_000

    /// Folds the log up to `target` into the snapshot, deletes those ops, then reclaims the
    /// space (incremental vacuum; the first time a VACUUM that turns it on). Throws
    /// ``StoreError`` (``StoreError/invalidArgument(_:)`` for a position beyond the log).
    @discardableResult
    public func compact(_ target: CompactionTarget, schema: Schema) throws -> CompactionReport {
        let before = fileBytes()
        // The daemon's own readable tables apply the log after their cursor: bring them past the
        // horizon first, so no op they still need is deleted.
        try materialize()
        var report = try write { db in try ServerLog.fold(db, target: target, schema: schema) }
        if report.horizon > report.previousHorizon { try reclaimSpace() }
        report.bytesBefore = before
        report.bytesAfter = fileBytes()
        return report
    }

    /// The last compacted position, 0 when never compacted.
    public func horizon() throws -> UInt64 {
        try read { db in try ServerLog.horizon(db) }
    }

    static func horizon(_ db: Database) throws -> UInt64 {
        UInt64(max(0, try Int64.fetchOne(db.cachedStatement(sql: "SELECT position FROM ps_horizon WHERE id = 1")) ?? 0))
    }

    /// When the last compaction ran (Unix milliseconds), nil when never.
    public func compactedAt() throws -> UInt64? {
        try read { db in try Int64.fetchOne(db, sql: "SELECT compacted_at FROM ps_horizon WHERE id = 1").map { UInt64(max(0, $0)) } }
    }

    /// A page of the snapshot, read in one transaction (see ``SyncModel/ServerLogStorage``).
    public func snapshotPage(horizon asked: UInt64?, after: SnapshotKey?, limit: Int, maxBytes: Int,
                             readable: (String) -> Bool) throws -> SnapshotPage {
        try read { db in
            let horizon = try ServerLog.horizon(db)
            if let asked, asked != horizon { throw SnapshotRequired(horizon: horizon) }
            let vv = try ServerLog.snapshotVV(db)
            var records: [[UInt8]] = []
            var bytes = 0
            var next = after
            var more = false
            var cursor = after
            let statement = try db.cachedStatement(sql: """
                SELECT collection, row_id, record FROM ps_snapshot
                WHERE ?1 IS NULL OR (collection, row_id) > (?1, ?2) ORDER BY collection, row_id LIMIT ?3
                """)
            scan: while true {
                let rows = try Row.fetchCursor(statement, arguments: [cursor?.collection, cursor?.row, ServerLog.foldRun])
                var seen = 0
                while let row = try rows.next() {
                    seen += 1
                    let key = SnapshotKey(collection: try row.decode(String.self, atIndex: 0), row: try row.decode(String.self, atIndex: 1))
                    cursor = key
                    guard readable(key.collection) else { continue }
                    let json = Array(try row.decode(String.self, atIndex: 2).utf8)
                    if records.count >= max(1, limit) || (!records.isEmpty && bytes + json.count > maxBytes) {
                        more = true
                        break scan
                    }
                    records.append(json)
                    bytes += json.count
                    next = key
                }
                if seen < ServerLog.foldRun { break }
            }
            return SnapshotPage(horizon: horizon, versionVector: vv, records: records, next: next, more: more)
        }
    }

    static func snapshotVV(_ db: Database) throws -> VersionVector {
        var entries: [String: UInt64] = [:]
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT node, seq FROM ps_snapshot_vv"))
        while let row = try rows.next() { entries[try row.decode(String.self, atIndex: 0)] = UInt64(max(0, try row.decode(Int64.self, atIndex: 1))) }
        return VersionVector(entries)
    }

    // MARK: The fold

    /// One transaction: the new horizon from `target`, the rows its ops touch loaded from the
    /// snapshot, the ops folded in by the model (``SyncModel/Snapshot/fold(_:)``), the rows and
    /// the version vector written back, the ops deleted.
    static func fold(_ db: Database, target: CompactionTarget, schema: Schema) throws -> CompactionReport {
        let previous = try horizon(db)
        let head = try ServerLog.head(db)
        let horizon: UInt64
        switch target {
        case .before(let position):
            guard position <= head + 1 else {
                throw StoreError.invalidArgument("--before \(position) is beyond the log, whose last position is \(head)")
            }
            horizon = position == 0 ? 0 : position - 1
        case .keepDays(let days, let now):
            guard days >= 0 else { throw StoreError.invalidArgument("--keep-days must be 0 or more, not \(days)") }
            // Saturating: a retention longer than the clock's age keeps everything.
            let (span, overflow) = UInt64(days).multipliedReportingOverflow(by: CompactionTarget.day)
            let cutoff = !overflow && now > span ? now - span : 0
            // Positions grow with time: the last op received before the cutoff.
            horizon = UInt64(max(0, try Int64.fetchOne(db, sql: "SELECT coalesce(max(position), 0) FROM ps_log WHERE received_at < ?",
                                                      arguments: [Int64(clamping: cutoff)]) ?? 0))
        }
        var report = CompactionReport(previousHorizon: previous, horizon: previous, foldedOps: 0, rowsWritten: 0)
        guard horizon > previous else { return report }
        guard try ReplicaStore.cursor(db) >= horizon else {
            throw StoreError.corrupt("the daemon's readable tables are behind position \(horizon); nothing was compacted")
        }
        // The rows the folded ops touch, as the snapshot holds them now.
        var touched: [SnapshotRecord] = []
        let keys = try Row.fetchAll(db, sql: "SELECT DISTINCT collection, row_id FROM ps_log WHERE position > ? AND position <= ?",
                                    arguments: [Int64(clamping: previous), Int64(clamping: horizon)])
        let load = try db.cachedStatement(sql: "SELECT record FROM ps_snapshot WHERE collection = ? AND row_id = ?")
        for key in keys {
            let c: String = try key.decode(String.self, atIndex: 0), r: String = try key.decode(String.self, atIndex: 1)
            guard let text = try String.fetchOne(load, arguments: [c, r]) else { continue }
            do { touched.append(try SnapshotRecord.decode(text, schema: schema)) } catch {
                throw StoreError.corrupt("snapshot record \(c)/\(r): \(error)")
            }
        }
        var snapshot = Snapshot(horizon: previous, versionVector: try snapshotVV(db), records: touched, schema: schema)
        var since = previous
        let read = try db.cachedStatement(sql: "SELECT \(OpColumns.names), department, position FROM ps_log WHERE position > ? AND position <= ? ORDER BY position LIMIT ?")
        while since < horizon {
            var run: [Op] = []
            let rows = try Row.fetchCursor(read, arguments: [Int64(clamping: since), Int64(clamping: horizon), foldRun])
            while let row = try rows.next() {
                var op = try OpColumns.op(row)
                op.department = try row.decode(String.self, atIndex: OpColumns.count)
                op.log = UInt64(max(0, try row.decode(Int64.self, atIndex: OpColumns.count + 1)))
                run.append(op)
            }
            guard let last = run.last?.log else { break }
            do { try snapshot.fold(run) } catch { throw StoreError.corrupt("compaction: \(error)") }
            since = last
        }
        guard snapshot.horizon == horizon else {
            throw StoreError.corrupt("the log has a gap below position \(horizon) (folded through \(snapshot.horizon)); nothing was compacted")
        }
        let upsert = try db.cachedStatement(sql: "INSERT INTO ps_snapshot (collection, row_id, record) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET record = excluded.record")
        for record in snapshot.records() {
            let json: [UInt8]
            do { json = try record.encoded() } catch { throw StoreError.corrupt("snapshot record \(record.key): \(error)") }
            try upsert.execute(arguments: [record.collection, record.row, String(decoding: json, as: UTF8.self)])
            report.rowsWritten += 1
        }
        let vv = try db.cachedStatement(sql: "INSERT INTO ps_snapshot_vv (node, seq) VALUES (?, ?) ON CONFLICT DO UPDATE SET seq = excluded.seq")
        for (node, seq) in snapshot.versionVector.sorted { try vv.execute(arguments: [node, Int64(clamping: seq)]) }
        try db.execute(sql: "DELETE FROM ps_log WHERE position <= ?", arguments: [Int64(clamping: horizon)])
        report.foldedOps = db.changesCount
        try db.execute(sql: """
            INSERT INTO ps_horizon (id, position, compacted_at) VALUES (1, ?, ?)
            ON CONFLICT DO UPDATE SET position = excluded.position, compacted_at = excluded.compacted_at
            """, arguments: [Int64(clamping: horizon), Int64(clamping: IdentityRecord.wallMilliseconds())])
        report.horizon = horizon
        return report
    }

    /// Gives the freed pages back to the file system: `incremental_vacuum` once the file has
    /// auto_vacuum INCREMENTAL, else one VACUUM that sets it. Then the WAL is checkpointed and
    /// truncated. Outside any transaction; waits for other writers (busy timeout).
    func reclaimSpace() throws {
        do {
            try pool.writeWithoutTransaction { db in
                try synchronous.ensure(.full, db)
                let mode = try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") ?? 0
                if mode == 2 {
                    try db.execute(sql: "PRAGMA incremental_vacuum")
                } else {
                    try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                    try db.execute(sql: "VACUUM")
                }
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch {
            throw StoreStorage.wrap(error)
        }
    }

    /// Bytes of the file and its WAL, nil when they cannot be read.
    func fileBytes() -> UInt64? {
        let path = pool.path
        var total: UInt64 = 0
        for suffix in ["", "-wal"] {
            if let size = (try? FileManager.default.attributesOfItem(atPath: path + suffix))?[.size] as? NSNumber { total += size.uint64Value }
        }
        return total
    }
}
