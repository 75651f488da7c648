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
    /// Held until this bootstrap is finished or dropped: no other process touches the side file.
    private let lock: BootstrapLock

    init(main: ReplicaStore, side: ReplicaStore, horizon: UInt64, versionVector: VersionVector, lock: BootstrapLock) {
        self.main = main
        self.side = side
        self.horizon = horizon
        self.versionVector = versionVector
        self.lock = lock
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
            var identity = try IdentityRecord.read(db, clock: true)
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

    /// In one transaction of the live file (``ReplicaSwap``): reads its unsent ops, next seq,
    /// clock, server, token, trust, rules and history window; copies the new replica's tables over
    /// its own; then carries those over, the unsent ops re-applied on top of the new state (those in
    /// `discarding` left behind and the rest renumbered, ``SyncModel/OutboxDiscard``). The side file
    /// is removed afterwards. Throws ``StoreError/invalidArgument(_:)``, changing nothing, for a dot
    /// to discard that is not unsent or that the daemon already holds (its `ack` was lost).
    func finish(discarding: [Op]) throws {
        guard try isComplete() else { throw StoreError.corrupt("the snapshot is not complete; nothing was swapped") }
        try main.checkWritable()
        let layout = main.layout, wallClock = main.wallClock
        try ReplicaSwap.install(from: side.pool.path, into: main.pool, synchronous: main.synchronous) { db in
            // The file attached is this bootstrap's, complete (it cannot have changed under the
            // lock; checked all the same, since installing the wrong file would be a mix).
            guard let progress = try BootstrapProgress.read(db, schema: ReplicaSwap.attached), progress.complete,
                  progress.horizon == horizon, progress.versionVector == versionVector else {
                throw StoreError.corrupt("the bootstrapped replica beside the file is not this bootstrap's; nothing was swapped")
            }
            // What the live file holds now, before its tables become the new replica's.
            let identity = try IdentityRecord.read(db, clock: true)
            let outbox = try OutboxRows.all(db)
            let rules = try Row.fetchOne(db, sql: "SELECT version, json FROM ps_rules WHERE id = 1")
            let historyDays = try Int.fetchOne(db, sql: "SELECT days FROM ps_history_window WHERE id = 1")
            let acknowledged = try AcknowledgedSeq.refuseDiscarding(discarding, node: identity.node, db)
            let sent = try SentSeq.mark.read(db)
            try ReplicaSwap.copyTables(db)
            var carried = try IdentityRecord.read(db, clock: true)
            guard carried.node.utf8.elementsEqual(identity.node.utf8) else {
                throw StoreError.corrupt("the bootstrapped replica is node \(carried.node)'s, not \(identity.node)'s; nothing was swapped")
            }
            // What the daemon holds of this node's ops: the new replica learnt it from the log.
            let held = UInt64(max(0, try Int64.fetchOne(db, sql: "SELECT seq FROM ps_applied WHERE node = ?", arguments: [carried.node]) ?? 0))
            if let taken = discarding.first(where: { $0.node == carried.node && $0.seq <= held }) {
                throw StoreError.invalidArgument("\(taken.dot) is held by the daemon already (pushed since it was listed, or its acknowledgement was lost); it cannot be discarded")
            }
            let kept: [Op]
            do throws(ValidationError) { kept = try OutboxDiscard.remaining(outbox.map { $0.op }, discarding: discarding) } catch {
                throw StoreError.invalidArgument(error.message)
            }
            let createdAt = Dictionary(outbox.map { ($0.op.hlc, $0.createdAt) }, uniquingKeysWith: { first, _ in first })
            carried.server = identity.server
            carried.token = identity.token
            carried.tls = identity.tls
            carried.nextSeq = max(carried.nextSeq, identity.nextSeq - UInt64(outbox.count - kept.count))
            carried.hlc = max(carried.hlc, identity.hlc)
            try db.execute(sql: "UPDATE ps_identity SET server = ?, token = ?, tls = ? WHERE id = 1",
                           arguments: [carried.server, carried.token, carried.tls?.stored])
            try carried.saveClock(db)
            try AcknowledgedSeq.set(db, to: acknowledged)
            try SentSeq.mark.set(db, to: sent)
            if let rules {
                try db.execute(sql: "INSERT INTO ps_rules (id, version, json) VALUES (1, ?, ?) ON CONFLICT DO UPDATE SET version = excluded.version, json = excluded.json",
                               arguments: [rules[0] as String, rules[1] as String])
            }
            if let historyDays {
                try db.execute(sql: "INSERT OR REPLACE INTO ps_history_window (id, days) VALUES (1, ?)", arguments: [historyDays])
            }
            // The unsent ops, as the live file held them, re-applied locally: those the snapshot
            // or the log already held are skipped by their dots.
            try db.execute(sql: "DELETE FROM ps_outbox")
            var applier = try OpApplier(db: db, layout: layout, ownNode: carried.node, ownDepartment: identity.department,
                                        origin: .local, wallMilliseconds: wallClock.milliseconds())
            var json = JSONOutput()
            for op in kept {
                try applier.apply(op)
                try OutboxRows.insert(db, op, json: &json, createdAt: UInt64(max(0, createdAt[op.hlc] ?? 0)))
            }
            try applier.finish()
        }
        // The new replica is in the live file; a leftover side file (a crash before this line) is
        // removed by the next bootstrap, never installed twice: the live cursor is now past its horizon.
        let sidePath = side.pool.path
        try? side.pool.close()
        try ReplicaSwap.remove(sidePath)
        lock.release()
    }
}
