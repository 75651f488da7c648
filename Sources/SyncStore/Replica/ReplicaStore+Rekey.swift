import GRDB
import SyncModel

// MARK: - Moving unsent ops to a new node id (`plansync rekey`)

extension ReplicaStore {
    /// What ``rekey(to:)`` did.
    public struct Rekeyed: Equatable, Sendable {
        /// The node id before.
        public var oldNode: String
        /// Unsent ops now under the new node id, numbered from seq 1.
        public var moved: Int
    }

    /// Gives this replica the new node id `node` and moves its unsent ops (the outbox) to it, for
    /// a replica whose file was copied and whose copy synced first (`duplicate_dot`). The unsent
    /// ops keep their content and HLC and get the dots `node:1`, `node:2`, … in their order;
    /// every local reference to their old dots changes with them in one transaction: register
    /// siblings, set add tags, the `replaces`/`removes` of later unsent ops, `row_vv` entries,
    /// contexts, applied marks, the conflict history and the op record. Acknowledged ops of the
    /// old node stay as they are. The applied mark of the old node goes back to its last
    /// acknowledged seq and the cursor to 0, so the next sync pulls the ops the copy made under
    /// the old id (skipped here until now, as their dots looked applied) and skips the rest.
    ///
    /// Throws ``StoreError/invalidIdentity(_:)`` for a malformed node id, the current one, or one
    /// this replica has seen ops from, and ``StoreError/invalidArgument(_:)`` while the outbox holds
    /// ops a daemon acknowledged before (``AcknowledgedSeq``) or ops sent without an answer
    /// (``SentSeq``); nothing changes then.
    public func rekey(to node: String) throws -> Rekeyed {
        do { try NodeID.validate(node) } catch { throw StoreError.invalidIdentity(error.description) }
        return try write { db in
            var identity = try IdentityRecord.read(db, clock: true)
            let old = identity.node
            guard Array(node.utf8) != Array(old.utf8) else {
                throw StoreError.invalidIdentity("\(node) is already this replica's node id; choose a new one")
            }
            if try Int64.fetchOne(db, sql: "SELECT seq FROM ps_applied WHERE node = ?", arguments: [node]) != nil {
                throw StoreError.invalidIdentity("node id \(node) already made ops this replica holds; choose one no replica uses")
            }
            let queued = try OutboxRows.all(db)
            // Ops put back after a restore of the daemon may be held by other replicas under their
            // dots: under new dots they would count twice there.
            if let seen = try AcknowledgedSeq.firstAcknowledged(queued.map(\.op), node: old, db).op {
                throw StoreError.invalidArgument("the outbox holds \(seen.dot), which the daemon acknowledged before it was restored "
                    + "from a backup: other replicas may hold it under that dot, so it cannot move to a new node id. "
                    + "Sync until the daemon takes it again, then rekey (docs/operations.md, \"Restoring the daemon from a backup\")")
            }
            // An op sent whose ack never came may be stored under its dot already: under a new
            // dot it would count twice (SentSeq). A sync settles it: acknowledged, or refused.
            let sent = try SentSeq.mark.read(db)
            if let maybe = queued.first(where: { $0.op.node == old && $0.op.seq <= sent }) {
                throw StoreError.invalidArgument("the outbox holds \(maybe.op.dot), which was sent to the daemon without an answer "
                    + "(a sync cut short), so the daemon may hold it already: sync first, which settles it, then rekey")
            }
            let first = queued.first?.op.seq ?? identity.nextSeq    // the first unsent seq of the old node
            let offset = first - 1                                  // new seq = old seq - offset
            var rowSeqs: [RowKey: UInt64] = [:]       // per row: highest new seq of a moved non-`_deleted` op so far
            func moved(_ dot: Dot) -> Dot {
                Array(dot.node.utf8) == Array(old.utf8) && dot.seq >= first ? Dot(node: node, seq: dot.seq - offset) : dot
            }
            func renamed(_ op: Op) -> Op {
                var out = op
                out.node = node
                out.seq = op.seq - offset
                out.replaces = op.replaces.map(moved)
                out.removes = op.removes.map(moved)
                if let context = op.context, context[old] >= first {
                    // The writer had seen every acknowledged op of the old node, and its own
                    // unsent ops on the row before this one, now under the new node.
                    var entries = context.entries
                    entries[old] = offset > 0 ? offset : nil
                    if let own = rowSeqs[RowKey(collection: op.collection, row: op.row)], own > 0 { entries[node] = own }
                    out.context = VersionVector(entries)
                }
                return out
            }
            var json = JSONOutput()
            var refresh = ShownRefresh()
            var renames: [UInt64: Op] = [:]
            try db.execute(sql: "DELETE FROM ps_outbox")
            for (op, createdAt) in queued {
                let out = renamed(op)
                renames[op.seq] = out
                if op.field != Op.deletedField { rowSeqs[RowKey(collection: op.collection, row: op.row)] = out.seq }
                try OutboxRows.insert(db, out, json: &json, createdAt: UInt64(max(0, createdAt)))
                let from: [(any DatabaseValueConvertible)?] = [old, Int64(clamping: op.seq)]
                let to: [(any DatabaseValueConvertible)?] = [node, Int64(clamping: out.seq)]
                let context: String? = out.context.map(\.jsonText)
                switch op.kind {
                case .set:
                    try db.execute(sql: """
                        UPDATE ps_registers SET node = ?, seq = ?, context = ?
                        WHERE collection = ? AND row_id = ? AND field = ? AND node = ? AND seq = ?
                        """, arguments: StatementArguments(to + [context, op.collection, op.row, op.field] + from))
                    try refresh.register(op.collection, op.row, op.field, layout: layout, db)
                case .add:
                    try db.execute(sql: """
                        UPDATE ps_set_tags SET node = ?, seq = ?
                        WHERE collection = ? AND row_id = ? AND field = ? AND node = ? AND seq = ?
                        """, arguments: StatementArguments(to + [op.collection, op.row, op.field] + from))
                case .inc, .remove:
                    break
                }
            }
            for (column, seqColumn) in [("node", "seq"), ("resolved_node", "resolved_seq")] {
                try db.execute(sql: "UPDATE ps_conflict_history SET \(column) = ?, \(seqColumn) = \(seqColumn) - ? WHERE \(column) = ? AND \(seqColumn) >= ?",
                               arguments: [node, Int64(clamping: offset), old, Int64(clamping: first)])
            }
            try ReplicaStore.moveRowVV(db, from: old, to: node, first: first, rows: rowSeqs)
            try OpRecord.rewrite(db, node: old) { op in
                guard op.seq >= first, var out = renames[op.seq] else { return nil }
                out.department = op.department
                out.log = op.log
                return out
            }
            try refresh.flush(db)

            try db.execute(sql: "DELETE FROM ps_applied WHERE node = ?", arguments: [old])
            if offset > 0 { try db.execute(sql: "INSERT INTO ps_applied (node, seq) VALUES (?, ?)", arguments: [old, Int64(clamping: offset)]) }
            if !queued.isEmpty { try db.execute(sql: "INSERT INTO ps_applied (node, seq) VALUES (?, ?)", arguments: [node, queued.count]) }
            identity.nextSeq = UInt64(queued.count) + 1
            try identity.saveClock(db)
            try db.execute(sql: "UPDATE ps_identity SET node = ? WHERE id = 1", arguments: [node])
            try AcknowledgedSeq.set(db, to: 0)   // the new node's ops were acknowledged by no one
            try SentSeq.mark.set(db, to: 0)      // nor sent
            try db.execute(sql: "UPDATE ps_cursor SET position = 0, seen_position = NULL, seen_dot = NULL WHERE id = 1")
            return Rekeyed(oldNode: old, moved: queued.count)
        }
    }

    /// `row_vv` of the rows the moved ops touched: the new node's entry is its highest seq there;
    /// the old node's falls back to the highest acknowledged seq this replica still sees on the
    /// row (register siblings, set tags, the op record), and goes when there is none.
    private static func moveRowVV(_ db: Database, from old: String, to node: String, first: UInt64, rows: [RowKey: UInt64]) throws {
        let firstSeq = Int64(clamping: first)
        let raised = try Row.fetchAll(db, sql: "SELECT collection, row_id FROM ps_row_vv WHERE node = ? AND seq >= ?", arguments: [old, firstSeq])
        var acked: [RowKey: UInt64] = [:]
        for entry in try OpRecord.candidates(db, containing: "\"node\":\"\(old)\",") {
            for (_, op) in OpRecord.readableOps(entry) ?? [] {
                guard Array(op.node.utf8) == Array(old.utf8), op.seq < first, op.field != Op.deletedField else { continue }
                let key = RowKey(collection: op.collection, row: op.row)
                acked[key] = max(acked[key] ?? 0, op.seq)
            }
        }
        for row in raised {
            let key = RowKey(collection: try row.decode(String.self, atIndex: 0), row: try row.decode(String.self, atIndex: 1))
            let seen = try Int64.fetchOne(db, sql: """
                SELECT max(seq) FROM (
                    SELECT seq FROM ps_registers WHERE collection = ? AND row_id = ? AND field != '_deleted' AND node = ? AND seq < ?
                    UNION ALL SELECT seq FROM ps_set_tags WHERE collection = ? AND row_id = ? AND node = ? AND seq < ?)
                """, arguments: [key.collection, key.row, old, firstSeq, key.collection, key.row, old, firstSeq]) ?? 0
            let best = max(UInt64(max(0, seen)), acked[key] ?? 0)
            if best > 0 {
                try db.execute(sql: "UPDATE ps_row_vv SET seq = ? WHERE collection = ? AND row_id = ? AND node = ?",
                               arguments: [Int64(clamping: best), key.collection, key.row, old])
            } else {
                try db.execute(sql: "DELETE FROM ps_row_vv WHERE collection = ? AND row_id = ? AND node = ?", arguments: [key.collection, key.row, old])
            }
        }
        for (key, seq) in rows {
            try db.execute(sql: "INSERT INTO ps_row_vv (collection, row_id, node, seq) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET seq = max(seq, excluded.seq)",
                           arguments: [key.collection, key.row, node, Int64(clamping: seq)])
        }
    }
}
