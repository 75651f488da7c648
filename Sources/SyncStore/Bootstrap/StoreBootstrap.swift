import Foundation
import GRDB
import SyncModel

/// A replica file being built from a snapshot beside the one in use (``ReplicaStore/bootstrap(horizon:versionVector:)``),
/// the SQLite side of ``SyncModel/SnapshotBootstrap``: each page, each pulled batch and the
/// carry-over are one transaction of the new file; ``finish()`` swaps it in (``ReplicaSwap``).
final class StoreBootstrap: SnapshotBootstrap, @unchecked Sendable {
    let main: ReplicaStore
    let side: ReplicaStore
    let horizon: UInt64
    let versionVector: VersionVector

    init(main: ReplicaStore, side: ReplicaStore, horizon: UInt64, versionVector: VersionVector) {
        self.main = main
        self.side = side
        self.horizon = horizon
        self.versionVector = versionVector
    }

    func isComplete() throws -> Bool {
        try side.read { db in try BootstrapProgress.read(db)?.complete ?? false }
    }

    func resumeAfter() throws -> SnapshotKey? {
        try side.read { db in try BootstrapProgress.read(db)?.after }
    }

    /// One transaction: the records' rows (decoded and checked against the schema), the clock
    /// raised past their HLCs, the progress; with `complete`, the applied marks become the
    /// snapshot's version vector and the cursor its horizon.
    func install(_ records: [[UInt8]], next: SnapshotKey?, complete: Bool) throws {
        let schema = side.schema, layout = side.layout
        let decoded = try records.enumerated().map { i, json in
            do { return try SnapshotRecord.decode(String(decoding: json, as: UTF8.self), schema: schema) } catch {
                throw StoreError.corrupt("snapshot record \(i) of the page: \(error)")
            }
        }
        try side.write { db in
            var rows = TouchedRows()
            var newest = HLCTimestamp.zero
            for record in decoded {
                guard let table = layout.collections[record.collection] else { throw StoreError.corrupt("no table for \(record.collection)") }
                try rows.install(record, table: table, db)
                for s in record.state.deleted.siblings where s.hlc > newest { newest = s.hlc }
                for case .register(let r) in record.state.fields.values { for s in r.siblings where s.hlc > newest { newest = s.hlc } }
            }
            try rows.flush(db)
            var identity = try IdentityRecord.read(db)
            if newest > identity.hlc {
                var clock = HybridLogicalClock(last: identity.hlc)
                try clock.merge(newest, wallMilliseconds: side.wallClock.milliseconds())
                identity.hlc = clock.last
                try identity.saveClock(db)
            }
            var progress = try BootstrapProgress.read(db) ?? BootstrapProgress(horizon: horizon, versionVector: versionVector, after: nil, complete: false)
            progress.after = next ?? progress.after
            if complete {
                progress.complete = true
                let mark = try db.cachedStatement(sql: "INSERT INTO ps_applied (node, seq) VALUES (?, ?) ON CONFLICT DO UPDATE SET seq = max(seq, excluded.seq)")
                for (node, seq) in versionVector.sorted { try mark.execute(arguments: [node, Int64(clamping: seq)]) }
                try db.execute(sql: "UPDATE ps_cursor SET position = max(position, ?) WHERE id = 1", arguments: [Int64(clamping: horizon)])
            }
            try progress.save(db)
        }
    }

    func cursor() throws -> UInt64 { try side.cursor() }

    func applyRemote(_ ops: [Op], cursor: UInt64) throws { try side.applyRemote(ops, cursor: cursor) }

    /// Under the old file's write lock, carries its unsent ops (re-applied on top of the new
    /// state), next seq, clock, server, token, trust and rules into the new file in one
    /// transaction; then swaps the files (``ReplicaSwap/swap(old:newPool:at:)``) and reopens.
    func finish() throws {
        guard try isComplete() else { throw StoreError.corrupt("the snapshot is not complete; nothing was swapped") }
        try main.write { old in
            let identity = try IdentityRecord.read(old)
            let outbox = try Row.fetchAll(old, sql: "SELECT seq, op, created_at FROM ps_outbox ORDER BY seq")
            let rules = try Row.fetchOne(old, sql: "SELECT version, json FROM ps_rules WHERE id = 1")
            try side.write { db in
                var carried = try IdentityRecord.read(db)
                carried.server = identity.server
                carried.token = identity.token
                carried.tls = identity.tls
                carried.nextSeq = max(carried.nextSeq, identity.nextSeq)
                carried.hlc = max(carried.hlc, identity.hlc)
                try db.execute(sql: "UPDATE ps_identity SET server = ?, token = ?, tls = ? WHERE id = 1",
                               arguments: [carried.server, carried.token, carried.tls?.stored])
                try carried.saveClock(db)
                if let rules {
                    try db.execute(sql: "INSERT INTO ps_rules (id, version, json) VALUES (1, ?, ?) ON CONFLICT DO UPDATE SET version = excluded.version, json = excluded.json",
                                   arguments: [rules[0] as String, rules[1] as String])
                }
                // The unsent ops, as the old file holds them (a finish tried before may have
                // carried an older outbox), re-applied locally: those the snapshot or the log
                // already held are skipped by their dots.
                try db.execute(sql: "DELETE FROM ps_outbox")
                var applier = try OpApplier(db: db, layout: side.layout, ownNode: carried.node, ownDepartment: identity.department,
                                            origin: .local, wallMilliseconds: side.wallClock.milliseconds())
                let insert = try db.cachedStatement(sql: "INSERT INTO ps_outbox (seq, op, created_at) VALUES (?, ?, ?)")
                for row in outbox {
                    let seq: Int64 = row[0], text: String = row[1], created: Int64 = row[2]
                    let op: Op
                    do { op = try OpJSON.decode(text) } catch { throw StoreError.corrupt("outbox row \(seq): \(error)") }
                    try applier.apply(op)
                    try insert.execute(arguments: [seq, text, created])
                }
                try applier.finish()
            }
        }
        let path = main.pool.path
        try ReplicaSwap.swap(old: main, newPool: side.pool, at: path)
    }
}
