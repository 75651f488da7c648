import GRDB
import SyncModel

/// Who made the unseen edits of an `edit_on_deleted` conflict. `row_vv` keeps only dots, so the
/// HLC and department come from the current transaction's ops, the register siblings the edits
/// wrote, or the recent-op record; an edit found in none shows HLC zero and no department.
struct EditWriters {
    let db: Database
    /// Ops applied earlier in the current transaction, not yet written to the tables.
    var unwritten: (Dot) throws -> Op? = { _ in nil }

    struct Writer: Equatable {
        let dot: Dot
        let hlc: HLCTimestamp
        let department: String?
    }

    /// The edit with the greatest (hlc, dot).
    func latest(of edits: [Dot], collection c: String, row r: String) throws -> Writer {
        var best: Writer?
        for dot in edits {
            let writer = try find(dot, c, r) ?? Writer(dot: dot, hlc: .zero, department: nil)
            if let b = best, (b.hlc, b.dot) >= (writer.hlc, writer.dot) { continue }
            best = writer
        }
        guard let best else { throw StoreError.corrupt("edit_on_deleted without edits on \(c) \(r)") }
        return best
    }

    private func find(_ dot: Dot, _ c: String, _ r: String) throws -> Writer? {
        if let op = try unwritten(dot) { return Writer(dot: dot, hlc: op.hlc, department: op.department) }
        let seq = Int64(clamping: dot.seq)
        let sibling = try db.cachedStatement(sql: "SELECT hlc, department FROM ps_registers WHERE collection = ? AND row_id = ? AND node = ? AND seq = ? LIMIT 1")
        if let row = try Row.fetchOne(sibling, arguments: [c, r, dot.node, seq]), let writer = try writer(dot, row) { return writer }
        return try OpRecord.find(db, dot).map { Writer(dot: dot, hlc: $0.hlc, department: $0.department) }
    }

    private func writer(_ dot: Dot, _ row: Row) throws -> Writer? {
        guard let hlc = HLCTimestamp(parsing: try row.decode(String.self, atIndex: 0)) else { return nil }
        return Writer(dot: dot, hlc: hlc, department: try row.decode(String?.self, atIndex: 1))
    }
}
