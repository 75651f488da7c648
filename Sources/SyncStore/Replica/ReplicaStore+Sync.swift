import Foundation
import GRDB
import SyncModel

// MARK: - Sync seam (SyncingReplica)

extension ReplicaStore {
    /// Node, department, server and token of this replica.
    public func identity() throws -> ReplicaIdentity {
        try read { db in try IdentityRecord.read(db).identity }
    }

    /// Own ops not yet acknowledged, in seq order, at most `limit`.
    public func outbox(limit: Int) throws -> [Op] {
        try outbox(after: 0, limit: limit)
    }

    /// Own ops with seq > `seq` not yet acknowledged, in seq order, at most `limit`: one range read
    /// on the outbox's key, so a client with pushes in flight reads past them without reading them.
    public func outbox(after seq: UInt64, limit: Int) throws -> [Op] {
        try read { db in
            let statement = try db.cachedStatement(sql: "SELECT op FROM ps_outbox WHERE seq > ? ORDER BY seq LIMIT ?")
            return try String.fetchAll(statement, arguments: [Int64(clamping: seq), max(0, limit)]).map { json in
                do { return try OpJSON.decode(json) } catch { throw StoreError.corrupt("outbox op: \(error)") }
            }
        }
    }

    /// ``outbox(after:limit:)`` as the JSON text the outbox holds, for a push to send as it is.
    /// Each text is checked to be one JSON object naming this replica's node and its row's seq
    /// (the client drops acknowledged rows by seq, so a mismatch would lose an op); the daemon
    /// validates the rest. Text that passes but holds a raw line break (which the wire cannot
    /// carry) or is over 1 MiB (padding) is decoded and encoded again for the push (the row stays
    /// as it is); text that fails throws ``StoreError/corrupt(_:)``.
    public func encodedOutbox(after seq: UInt64, limit: Int) throws -> [EncodedOp] {
        try read { db in
            let node = try IdentityRecord.read(db).identity.node
            let statement = try db.cachedStatement(sql: "SELECT seq, op FROM ps_outbox WHERE seq > ? ORDER BY seq LIMIT ?")
            let rows = try Row.fetchCursor(statement, arguments: [Int64(clamping: seq), max(0, limit)])
            var out: [EncodedOp] = []
            while let row = try rows.next() {
                let seq = UInt64(max(0, try row.decode(Int64.self, atIndex: 0)))
                let json = Array(try row.decode(String.self, atIndex: 1).utf8)
                if json.count <= ReplicaStore.maxPassedOutboxBytes,
                   !json.contains(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }),
                   json.withUnsafeBufferPointer({ OpJSON.dot(ofEncoded: $0) }) == Dot(node: node, seq: seq) {
                    out.append(EncodedOp(seq: seq, json: json))
                    continue
                }
                let op: Op
                do { op = try OpJSON.decode(String(decoding: json, as: UTF8.self)) } catch {
                    throw StoreError.corrupt("outbox row \(seq): \(error)")
                }
                guard op.node == node, op.seq == seq else {
                    throw StoreError.corrupt("outbox row \(seq) holds the op \(op.dot), not \(node):\(seq)")
                }
                do { out.append(try EncodedOp(op)) } catch { throw StoreError.corrupt("outbox row \(seq): \(error)") }
            }
            return out
        }
    }

    /// Stored op text longer than this is written again before a push (a real op is well under it).
    static let maxPassedOutboxBytes = 1 << 20

    /// Throws ``StoreError/invalidArgument(_:)`` when one of `ops` is an own op a daemon
    /// acknowledged before (``AcknowledgedSeq``: put back in the outbox after a restore of the
    /// daemon, and maybe held by other replicas), which `outbox discard` must not drop.
    public func checkDiscardable(_ ops: [Op]) throws {
        _ = try read { db in try AcknowledgedSeq.refuseDiscarding(ops, node: try IdentityRecord.read(db).node, db) }
    }

    /// How many own ops await acknowledgement.
    public func outboxCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ps_outbox") ?? 0 }
    }

    /// Drops own ops with seq ≤ `seq` from the outbox (the server has them durably). Commits
    /// without waiting for the disk (``CommitDurability/relaxed``): if power loss takes the
    /// deletion back, the ops are pushed again and the server counts them as duplicates.
    public func acknowledge(through seq: UInt64) throws {
        try write(.relaxed) { db in
            try db.execute(sql: "DELETE FROM ps_outbox WHERE seq <= ?", arguments: [Int64(clamping: seq)])
            try AcknowledgedSeq.raise(db, to: seq)
        }
    }

    /// The highest own seq this replica may have sent (``SentSeq``).
    public func sentThrough() throws -> UInt64? {
        try read { db in try SentSeq.mark.read(db) }
    }

    /// Raises the sent mark to `seq` before ops up to it are pushed. Commits without waiting for
    /// the disk (``CommitDurability/relaxed``), like acknowledgements: a crash of the process keeps
    /// it; only a power loss right after the push could take it back, and then a daemon that also
    /// lost the push's acknowledgement and compacted its ops before the retry refuses them.
    public func markSent(through seq: UInt64) throws {
        try write(.relaxed) { db in try SentSeq.mark.raise(db, to: seq) }
    }

    /// Lowers the sent mark to `seq` after a push stating it was refused (nothing of it stored).
    public func unmarkSent(downTo seq: UInt64) throws {
        try write(.relaxed) { db in try SentSeq.mark.lower(db, to: seq) }
    }

    /// The server log position applied so far (0 at first).
    public func cursor() throws -> UInt64 {
        try read { db in try ReplicaStore.cursor(db) }
    }

    static func cursor(_ db: Database) throws -> UInt64 {
        UInt64(max(0, try Int64.fetchOne(db.cachedStatement(sql: "SELECT position FROM ps_cursor WHERE id = 1")) ?? 0))
    }

    /// Applies ops in log order and moves the cursor to `cursor` (never backwards), in one
    /// transaction: all of the batch or none of it. Dots already applied are skipped. An op that
    /// does not fit the schema refuses the whole batch (``StoreError/validation(_:)``).
    ///
    /// The transaction commits without waiting for the disk (``CommitDurability/relaxed``): the
    /// server holds every op durably, and power loss can only take back whole batches together
    /// with the cursor, which are then pulled again. Local writes still wait for the disk.
    public func applyRemote(_ ops: [Op], cursor: UInt64) throws {
        try applyRemote(ops, cursor: cursor, following: 0)
    }

    /// ``applyRemote(_:cursor:)`` when at least `following` more ops are known to be applied after
    /// these in the same catch-up: the op record (`plansync log`) keeps the newest
    /// ``OpRecord/kept`` ops, so only the ops of this batch among the newest that many of the
    /// whole run are recorded, and a batch that `following` alone pushes out is not encoded into
    /// the record at all (about a quarter of applying a pulled page). An overstated `following`
    /// leaves the record short of ops it would have kept; nothing else changes.
    public func applyRemote(_ ops: [Op], cursor: UInt64, following: UInt64) throws {
        try write(.relaxed) { db in
            var identity = try IdentityRecord.read(db)
            let wall = wallClock.milliseconds()
            var applier = try OpApplier(db: db, layout: layout, ownNode: identity.node, ownDepartment: identity.department,
                                        origin: .remote, wallMilliseconds: wall, notifiesObservers: observation.isObserved)
            // Only the ops among the run's newest `kept` are recorded.
            let room = following < UInt64(OpRecord.kept) ? Int(OpRecord.kept) - Int(following) : 0
            let firstRecorded = ops.count - room
            for (i, op) in ops.enumerated() {
                try applier.apply(op, record: i >= firstRecorded)
            }
            // Later local writes sort after every value seen: the batch's newest readings went to
            // `ps_applied` with its marks, which the clock reads (IdentityRecord), so the HLC
            // receive rule costs this transaction no write of its own. No skew check: the daemon
            // already refused readings too far ahead of it.
            try applier.finish()
            // Never reuse a seq of this node that came back from the server (a replica restored
            // from an old copy).
            let ownApplied = applier.applied[identity.node]
            if ownApplied >= identity.nextSeq {
                identity.nextSeq = ownApplied + 1
                try identity.saveClock(db)
            }
            // The newest op received marks what the daemon must still hold at its position.
            let marked = ops.last { $0.log != nil }
            try db.cachedStatement(sql: """
                UPDATE ps_cursor SET position = max(position, ?1),
                    seen_dot = CASE WHEN ?2 IS NOT NULL AND coalesce(seen_position, 0) <= ?2 THEN ?3 ELSE seen_dot END,
                    seen_position = CASE WHEN ?2 IS NOT NULL AND coalesce(seen_position, 0) <= ?2 THEN ?2 ELSE seen_position END
                WHERE id = 1
                """).execute(arguments: [Int64(clamping: cursor), marked?.log.map { Int64(clamping: $0) }, marked?.dot.description])
        }
    }

    /// The last op received from the daemon (``SyncModel/CursorMark``), nil before the first.
    public func cursorMark() throws -> CursorMark? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT seen_position, seen_dot FROM ps_cursor WHERE id = 1"),
                  let position = row[0] as Int64?, position > 0, let text = row[1] as String?, let dot = Dot(parsing: text) else { return nil }
            return CursorMark(position: UInt64(position), dot: dot)
        }
    }

    /// HLC receive rule with the server's clock reading. Throws
    /// ``SyncModel/HLCError/clockSkew(remote:wallMilliseconds:allowedMilliseconds:)`` itself (as the
    /// seam promises) when it is far ahead, changing nothing.
    public func observe(serverTime: HLCTimestamp) throws {
        do {
            try write { db in
                var identity = try IdentityRecord.read(db, clock: true)
                var clock = HybridLogicalClock(last: identity.hlc)
                try clock.receive(serverTime, wallMilliseconds: wallClock.milliseconds())
                identity.hlc = clock.last
                try identity.saveClock(db)
            }
        } catch StoreError.clock(let error) {
            throw error
        }
    }

    /// SHA-256 (64 lowercase hex digits) of the model's canonical form of this replica's state,
    /// rebuilt from the metadata tables.
    public func stateHash() throws -> String {
        try read { db in try ReplicaStore.stateHash(db, schema: schema) }
    }

    /// The hash of what this replica's department may read (``AccessRulesRecord``); a daemon's
    /// file hashes everything.
    static func stateHash(_ db: Database, schema: Schema) throws -> String {
        let identity = try IdentityRecord.read(db).identity
        let rules = ServerLog.isDaemonIdentity(identity) ? .open : try AccessRulesRecord.read(db)
        let state = try StateLoader(db: db).replica(schema: schema)
        return Hex.sha256(state.canonicalForm(including: { rules.mayRead(identity.department, $0) }))
    }
}
