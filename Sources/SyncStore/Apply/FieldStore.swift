import GRDB
import SyncModel

/// The merge state of fields in the metadata tables, read into SyncModel types (``FieldWriter``
/// writes it back). Every statement is a cached prepared statement.
struct FieldStore {
    let db: Database

    // MARK: Registers

    static let siblingColumns = "node, seq, hlc, value, context, department"

    /// The siblings of one register field (`_deleted` included), in no particular order.
    func siblings(_ c: String, _ r: String, _ f: String) throws -> [Sibling] {
        let statement = try db.cachedStatement(sql: "SELECT \(FieldStore.siblingColumns) FROM ps_registers WHERE collection = ? AND row_id = ? AND field = ?")
        var out: [Sibling] = []
        let rows = try Row.fetchCursor(statement, arguments: [c, r, f])
        while let row = try rows.next() { out.append(try FieldStore.sibling(row, from: 0)) }
        return out
    }

    /// Reads a sibling from ``siblingColumns`` at `start`.
    static func sibling(_ row: Row, from start: Int) throws -> Sibling {
        let node = try row.decode(String.self, atIndex: start)
        let seq = try row.decode(Int64.self, atIndex: start + 1)
        let hlcText = try row.decode(String.self, atIndex: start + 2)
        let valueText = try row.decode(String.self, atIndex: start + 3)
        guard seq > 0, let hlc = HLCTimestamp(parsing: hlcText), let value = ValueJSON.parse(valueText) else {
            throw StoreError.corrupt("register sibling \(node):\(seq)")
        }
        var context: VersionVector?
        if let text = try row.decode(String?.self, atIndex: start + 4) {
            guard let vv = DotText.versionVector(text) else { throw StoreError.corrupt("context \(text.prefix(80))") }
            context = vv
        }
        return Sibling(dot: Dot(node: node, seq: UInt64(seq)), hlc: hlc, value: value, context: context,
                       department: try row.decode(String?.self, atIndex: start + 5))
    }

    // MARK: Counters

    /// The counter's state, nil before its first `inc`.
    func counter(_ c: String, _ r: String, _ f: String) throws -> PNCounter? {
        let statement = try db.cachedStatement(sql: "SELECT value FROM ps_counters WHERE collection = ? AND row_id = ? AND field = ?")
        return try Int64.fetchOne(statement, arguments: [c, r, f]).map { PNCounter(value: $0) }
    }

    // MARK: Sets

    /// The set's state: nil before its first op, else its live add tags (maybe none).
    func set(_ c: String, _ r: String, _ f: String) throws -> FieldState? {
        let present = try db.cachedStatement(sql: "SELECT 1 FROM ps_set_fields WHERE collection = ? AND row_id = ? AND field = ?")
        guard try Bool.fetchOne(present, arguments: [c, r, f]) != nil else { return nil }
        let statement = try db.cachedStatement(sql: "SELECT element, node, seq FROM ps_set_tags WHERE collection = ? AND row_id = ? AND field = ?")
        var tags: [String: Set<Dot>] = [:]
        let rows = try Row.fetchCursor(statement, arguments: [c, r, f])
        while let row = try rows.next() {
            let (element, dot) = try FieldStore.tag(row, from: 0)
            tags[element, default: []].insert(dot)
        }
        return .set(ORSet(tags: tags))
    }

    static func tag(_ row: Row, from start: Int) throws -> (String, Dot) {
        let seq = try row.decode(Int64.self, atIndex: start + 2)
        guard seq > 0 else { throw StoreError.corrupt("set tag seq \(seq)") }
        return (try row.decode(String.self, atIndex: start), Dot(node: try row.decode(String.self, atIndex: start + 1), seq: UInt64(seq)))
    }

    // MARK: row_vv

    func rowVV(_ c: String, _ r: String) throws -> VersionVector {
        let statement = try db.cachedStatement(sql: "SELECT node, seq FROM ps_row_vv WHERE collection = ? AND row_id = ?")
        var entries: [String: UInt64] = [:]
        let rows = try Row.fetchCursor(statement, arguments: [c, r])
        while let row = try rows.next() {
            entries[try row.decode(String.self, atIndex: 0)] = UInt64(max(0, try row.decode(Int64.self, atIndex: 1)))
        }
        return VersionVector(entries)
    }
}
