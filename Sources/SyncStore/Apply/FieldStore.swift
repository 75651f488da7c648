import GRDB
import SyncModel

/// Reads the merge state of fields from the metadata tables into SyncModel types (``FieldWriter``
/// writes it back). Each statement is fetched at most once per reader (a reader lives for one
/// transaction) and read column by column (``RawStatement``). The column forms are parsed here
/// for ``StateLoader`` too.
struct FieldStore {
    static let siblingColumns = "node, seq, hlc, value, context, department"

    private var siblingsStatement: RawStatement?
    private var counterStatement: RawStatement?
    private var setMarkStatement: RawStatement?
    private var tagsStatement: RawStatement?
    private var rowVVStatement: RawStatement?

    // MARK: Registers

    /// The siblings of one register field (`_deleted` included), in no particular order.
    mutating func siblings(_ db: Database, _ c: String, _ r: String, _ f: String) throws -> [Sibling] {
        let statement = try FieldWriter.fetch(&siblingsStatement, db, """
            SELECT \(FieldStore.siblingColumns) FROM ps_registers WHERE collection = ? AND row_id = ? AND field = ?
            """)
        try FieldStore.bind(statement, c, r, f)
        defer { statement.reset() }
        var out: [Sibling] = []
        while try statement.step() {
            out.append(try FieldStore.sibling(node: statement.text(0), seq: statement.int64(1), hlc: statement.text(2),
                                              value: statement.text(3), context: statement.optionalText(4),
                                              department: statement.optionalText(5)))
        }
        return out
    }

    /// Reads a sibling from ``siblingColumns`` at `start`.
    static func sibling(_ row: Row, from start: Int) throws -> Sibling {
        try sibling(node: row.decode(String.self, atIndex: start), seq: row.decode(Int64.self, atIndex: start + 1),
                    hlc: row.decode(String.self, atIndex: start + 2), value: row.decode(String.self, atIndex: start + 3),
                    context: row.decode(String?.self, atIndex: start + 4), department: row.decode(String?.self, atIndex: start + 5))
    }

    /// A sibling from the text forms of its columns.
    static func sibling(node: String, seq: Int64, hlc hlcText: String, value valueText: String, context contextText: String?,
                        department: String?) throws -> Sibling {
        guard seq > 0, let hlc = HLCTimestamp(parsing: hlcText), let value = Value(jsonText: valueText) else {
            throw StoreError.corrupt("register sibling \(node):\(seq)")
        }
        var context: VersionVector?
        if let text = contextText {
            guard let vv = VersionVector(jsonText: text) else { throw StoreError.corrupt("context \(text.prefix(80))") }
            context = vv
        }
        return Sibling(dot: Dot(node: node, seq: UInt64(seq)), hlc: hlc, value: value, context: context, department: department)
    }

    // MARK: Counters

    /// The counter's state, nil before its first `inc`.
    mutating func counter(_ db: Database, _ c: String, _ r: String, _ f: String) throws -> PNCounter? {
        let statement = try FieldWriter.fetch(&counterStatement, db, """
            SELECT value FROM ps_counters WHERE collection = ? AND row_id = ? AND field = ?
            """)
        try FieldStore.bind(statement, c, r, f)
        defer { statement.reset() }
        return try statement.step() ? PNCounter(value: statement.int64(0)) : nil
    }

    // MARK: Sets

    /// The set's state: nil before its first op, else its live add tags (maybe none).
    mutating func set(_ db: Database, _ c: String, _ r: String, _ f: String) throws -> FieldState? {
        let mark = try FieldWriter.fetch(&setMarkStatement, db, """
            SELECT 1 FROM ps_set_fields WHERE collection = ? AND row_id = ? AND field = ?
            """)
        try FieldStore.bind(mark, c, r, f)
        let present = try mark.step()
        mark.reset()
        guard present else { return nil }
        let statement = try FieldWriter.fetch(&tagsStatement, db, """
            SELECT element, node, seq FROM ps_set_tags WHERE collection = ? AND row_id = ? AND field = ?
            """)
        try FieldStore.bind(statement, c, r, f)
        defer { statement.reset() }
        var tags: [ExactText: Set<Dot>] = [:]
        while try statement.step() {
            let (element, dot) = try FieldStore.tag(element: statement.text(0), node: statement.text(1), seq: statement.int64(2))
            tags[ExactText(element), default: []].insert(dot)
        }
        return .set(ORSet(tags: tags))
    }

    /// Reads a set tag from `element, node, seq` at `start`.
    static func tag(_ row: Row, from start: Int) throws -> (String, Dot) {
        try tag(element: row.decode(String.self, atIndex: start), node: row.decode(String.self, atIndex: start + 1),
                seq: row.decode(Int64.self, atIndex: start + 2))
    }

    static func tag(element: String, node: String, seq: Int64) throws -> (String, Dot) {
        guard seq > 0 else { throw StoreError.corrupt("set tag seq \(seq)") }
        return (element, Dot(node: node, seq: UInt64(seq)))
    }

    // MARK: row_vv

    mutating func rowVV(_ db: Database, _ c: String, _ r: String) throws -> VersionVector {
        let statement = try FieldWriter.fetch(&rowVVStatement, db, "SELECT node, seq FROM ps_row_vv WHERE collection = ? AND row_id = ?")
        try statement.bind(1, c)
        try statement.bind(2, r)
        defer { statement.reset() }
        var entries: [String: UInt64] = [:]
        while try statement.step() {
            entries[statement.text(0)] = UInt64(max(0, statement.int64(1)))
        }
        return VersionVector(entries)
    }

    private static func bind(_ statement: RawStatement, _ c: String, _ r: String, _ f: String) throws {
        try statement.bind(1, c)
        try statement.bind(2, r)
        try statement.bind(3, f)
    }
}
