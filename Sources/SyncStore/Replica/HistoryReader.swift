import GRDB
import SyncModel

/// Reads `ps_conflict_history`: one entry per discarded value, grouped back into one
/// ``ResolvedConflict`` per (conflict, resolving op).
struct HistoryReader {
    let db: Database

    func all() throws -> [ResolvedConflict] {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT conflict_id, kind, collection, row_id, field, n, value, node, seq, department, hlc,
                   kept, resolved_node, resolved_seq, resolved_hlc, recorded_at
            FROM ps_conflict_history ORDER BY entry
            """)
        var out: [ResolvedConflict] = []
        var discarded: [ConflictValue] = []
        var current: ResolvedConflict?
        func flush() {
            if let c = current {
                out.append(ResolvedConflict(id: c.id, kind: c.kind, collection: c.collection, row: c.row, field: c.field, discarded: discarded,
                                            kept: c.kept, resolvedBy: c.resolvedBy, resolvedAt: c.resolvedAt, recordedAtMilliseconds: c.recordedAtMilliseconds))
            }
            discarded = []
        }
        while let row = try rows.next() {
            let kindText = try row.decode(String.self, atIndex: 1)
            let valueText = try row.decode(String.self, atIndex: 6), keptText = try row.decode(String.self, atIndex: 11)
            let seq = try row.decode(Int64.self, atIndex: 8), resolvedSeq = try row.decode(Int64.self, atIndex: 13)
            guard let kind = Conflict.Kind(rawValue: kindText), let value = Value(jsonText: valueText), let kept = Value(jsonText: keptText),
                  let hlc = HLCTimestamp(parsing: try row.decode(String.self, atIndex: 10)),
                  let resolvedAt = HLCTimestamp(parsing: try row.decode(String.self, atIndex: 14)), seq > 0, resolvedSeq > 0 else {
                throw StoreError.corrupt("conflict history entry")
            }
            let node = try row.decode(String.self, atIndex: 7)
            let entry = ResolvedConflict(id: try row.decode(String.self, atIndex: 0), kind: kind, collection: try row.decode(String.self, atIndex: 2),
                                         row: try row.decode(String.self, atIndex: 3), field: try row.decode(String.self, atIndex: 4), discarded: [],
                                         kept: kept, resolvedBy: Dot(node: try row.decode(String.self, atIndex: 12), seq: UInt64(resolvedSeq)),
                                         resolvedAt: resolvedAt, recordedAtMilliseconds: UInt64(max(0, try row.decode(Int64.self, atIndex: 15))))
            if let c = current, c.id != entry.id || c.resolvedBy != entry.resolvedBy { flush() }
            if current == nil || current?.id != entry.id || current?.resolvedBy != entry.resolvedBy { current = entry }
            discarded.append(ConflictValue(n: try row.decode(Int.self, atIndex: 5), value: value, node: node,
                                           department: try row.decode(String?.self, atIndex: 9), hlc: hlc, dot: Dot(node: node, seq: UInt64(seq))))
        }
        flush()
        return out
    }
}
