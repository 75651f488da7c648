import GRDB
import SyncModel

// MARK: - Repairs of this replica's own history (SyncingReplica)

extension ReplicaStore {
    /// The highest seq this replica has given an op, 0 before its first.
    public func lastOwnSeq() throws -> UInt64 {
        try read { db in try IdentityRecord.read(db).nextSeq - 1 }
    }

    /// Own op `seq` as it was pushed (no `department`, no `log`), from the outbox or the op record;
    /// nil when this replica no longer holds it (the record keeps the newest ``OpRecord/kept`` ops).
    public func ownOp(seq: UInt64) throws -> EncodedOp? {
        try read { db in
            let node = try IdentityRecord.read(db).node
            return try ReplicaStore.ownOp(db, Dot(node: node, seq: seq)).map { op throws in
                do { return try EncodedOp(op) } catch { throw StoreError.corrupt("own op \(op.dot): \(error)") }
            }
        }
    }

    /// Puts own ops `seq`… back into the outbox, ahead of the unsent ones, with their original
    /// dots and content: the daemon's log lost them (it was restored from an older backup) and
    /// answered a push with `seq_gap`. Returns how many were queued. Throws
    /// ``StoreError/unrecoverable(_:)``, changing nothing, when one of them is no longer held.
    public func requeueOwnOps(from seq: UInt64) throws -> Int {
        try write { db in
            let identity = try IdentityRecord.read(db)
            let end = try OutboxRows.firstSeq(db) ?? identity.nextSeq   // first seq not to queue
            guard seq >= 1, seq < end else { return 0 }
            var json = JSONOutput()
            let wall = wallClock.milliseconds()
            for s in seq..<end {
                guard let op = try ReplicaStore.ownOp(db, Dot(node: identity.node, seq: s)) else {
                    throw StoreError.unrecoverable("the daemon lost this replica's ops from seq \(seq) on (was it restored from an older backup?), "
                        + "and op \(identity.node):\(s) is no longer in this replica's op record (it keeps the newest \(OpRecord.kept) ops); "
                        + "see docs/operations.md, \"Restoring the daemon from a backup\"")
                }
                try OutboxRows.insert(db, op, json: &json, createdAt: wall)
            }
            return Int(end - seq)
        }
    }

    /// Gives every unsent op a new HLC reading from this replica's wall clock, when that clock
    /// is within `maxSkewMilliseconds` of `serverTime` (`welcome.time`): the daemon refused them
    /// with `clock_skew` because they were stamped while the clock ran ahead. Unsent ops were seen
    /// by no one, so their dots and content stay; the outbox text, the register siblings they
    /// wrote, the op record, the conflict history and the stored clock (lowered) change together
    /// in one transaction. Returns how many ops were re-stamped: 0 when the outbox is empty or
    /// the clock is still off (nothing changes then).
    public func restampOutbox(serverTime: HLCTimestamp, maxSkewMilliseconds: UInt64) throws -> Int {
        try write { db in
            let wall = wallClock.milliseconds()
            let server = serverTime.milliseconds
            // Readings from this clock must pass the daemon's skew check, with room to spare.
            guard wall <= server + maxSkewMilliseconds / 2, server <= wall + maxSkewMilliseconds else { return 0 }
            let queued = try OutboxRows.all(db)
            guard let first = queued.first?.op.seq else { return 0 }
            var identity = try IdentityRecord.read(db, clock: true)
            // The new readings come after everything received: the server's clock and every
            // register sibling that is not an unsent own op.
            var clock = HybridLogicalClock()
            try clock.merge(serverTime, wallMilliseconds: wall)
            let newest = try String.fetchOne(db, sql: "SELECT max(hlc) FROM ps_registers WHERE NOT (node = ? AND seq >= ?)",
                                             arguments: [identity.node, Int64(clamping: first)])
            if let newest, let reading = HLCTimestamp(parsing: newest) { try clock.merge(reading, wallMilliseconds: wall) }

            var stamps: [UInt64: HLCTimestamp] = [:]
            var refresh = ShownRefresh()
            var json = JSONOutput()
            try db.execute(sql: "DELETE FROM ps_outbox")
            for (op, createdAt) in queued {
                var stamped = op
                stamped.hlc = try clock.now(wallMilliseconds: wall)
                stamps[op.seq] = stamped.hlc
                try OutboxRows.insert(db, stamped, json: &json, createdAt: UInt64(max(0, createdAt)))
                if op.kind == .set {
                    try db.execute(sql: "UPDATE ps_registers SET hlc = ? WHERE collection = ? AND row_id = ? AND field = ? AND node = ? AND seq = ?",
                                   arguments: [stamped.hlc.description, op.collection, op.row, op.field, op.node, Int64(clamping: op.seq)])
                    try refresh.register(op.collection, op.row, op.field, layout: layout, db)
                }
                try db.execute(sql: "UPDATE ps_conflict_history SET hlc = ? WHERE node = ? AND seq = ?",
                               arguments: [stamped.hlc.description, op.node, Int64(clamping: op.seq)])
                try db.execute(sql: "UPDATE ps_conflict_history SET resolved_hlc = ? WHERE resolved_node = ? AND resolved_seq = ?",
                               arguments: [stamped.hlc.description, op.node, Int64(clamping: op.seq)])
            }
            try OpRecord.rewrite(db, node: identity.node) { op in
                guard let hlc = stamps[op.seq] else { return nil }
                var stamped = op
                stamped.hlc = hlc
                return stamped
            }
            try refresh.flush(db)
            identity.hlc = clock.last
            try identity.saveClock(db)
            // The clock comes down: this node's applied reading held the readings just replaced
            // (the clock reads it, IdentityRecord), so it comes down with them.
            try db.execute(sql: "UPDATE ps_applied SET hlc = ? WHERE node = ?", arguments: [clock.last.description, identity.node])
            return queued.count
        }
    }

    /// Moves the cursor to `position`, also backwards: the daemon's log ends below the cursor
    /// (it was restored from an older backup), and the ops it appends from now on take positions
    /// this replica has passed already. Nothing else changes.
    public func resetCursor(to position: UInt64) throws {
        try write { db in
            try db.execute(sql: "UPDATE ps_cursor SET position = ?, seen_position = NULL, seen_dot = NULL WHERE id = 1",
                           arguments: [Int64(clamping: position)])
        }
    }

    /// The applied-dot high-water marks: node → highest seq applied (own unsent ops included).
    public func appliedMarks() throws -> VersionVector? {
        try read { db in
            var entries: [String: UInt64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT node, seq FROM ps_applied") {
                entries[try row.decode(String.self, atIndex: 0)] = UInt64(max(0, try row.decode(Int64.self, atIndex: 1)))
            }
            return VersionVector(entries)
        }
    }

    /// Own op `dot` as pushed: from the outbox, else from the op record without the `department`
    /// and `log` the record may hold.
    static func ownOp(_ db: Database, _ dot: Dot) throws -> Op? {
        if let text = try String.fetchOne(db.cachedStatement(sql: "SELECT op FROM ps_outbox WHERE seq = ?"), arguments: [Int64(clamping: dot.seq)]) {
            do { return try OpJSON.decode(text) } catch { throw StoreError.corrupt("outbox row \(dot.seq): \(error)") }
        }
        guard var op = try OpRecord.find(db, dot) else { return nil }
        op.department = nil
        op.log = nil
        return op
    }
}
