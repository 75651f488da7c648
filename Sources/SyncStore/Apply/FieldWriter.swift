import GRDB
import SyncModel

/// Writes field merge state to the metadata tables (``FieldStore`` reads it): register siblings,
/// counter sums, set marks and tags. Each statement is fetched at most once per writer, on first
/// use, and bound value by value (``RawStatement``).
struct FieldWriter {
    let db: Database
    private var insertSiblingStatement: RawStatement?
    private var deleteSiblingStatement: RawStatement?
    private var counterStatement: RawStatement?
    private var markSetStatement: RawStatement?
    private var insertTagStatement: RawStatement?
    private var deleteTagStatement: RawStatement?

    init(db: Database) {
        self.db = db
    }

    // MARK: Registers

    mutating func insertSibling(_ c: String, _ r: String, _ f: String, _ s: Sibling) throws {
        let statement = try FieldWriter.fetch(&insertSiblingStatement, db, """
            INSERT INTO ps_registers (collection, row_id, field, \(FieldStore.siblingColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.bind(1, c)
        try statement.bind(2, r)
        try statement.bind(3, f)
        try statement.bind(4, s.dot.node)
        try statement.bind(5, seq: s.dot.seq)
        try statement.bind(6, hlc: s.hlc)
        try statement.bind(7, json: s.value)
        try statement.bind(8, s.context.map(DotText.json))
        try statement.bind(9, s.department)
        try statement.run()
    }

    mutating func deleteSibling(_ c: String, _ r: String, _ f: String, _ dot: Dot) throws {
        let statement = try FieldWriter.fetch(&deleteSiblingStatement, db, """
            DELETE FROM ps_registers WHERE collection = ? AND row_id = ? AND field = ? AND node = ? AND seq = ?
            """)
        try statement.bind(1, c)
        try statement.bind(2, r)
        try statement.bind(3, f)
        try statement.bind(4, dot.node)
        try statement.bind(5, seq: dot.seq)
        try statement.run()
    }

    // MARK: Counters

    mutating func writeCounter(_ c: String, _ r: String, _ f: String, _ counter: PNCounter) throws {
        let statement = try FieldWriter.fetch(&counterStatement, db, """
            INSERT INTO ps_counters (collection, row_id, field, value) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value
            """)
        try statement.bind(1, c)
        try statement.bind(2, r)
        try statement.bind(3, f)
        try statement.bind(4, counter.value)
        try statement.run()
    }

    // MARK: Sets

    /// Records that the set field has had an op (an emptied set still exists in the state).
    mutating func markSet(_ c: String, _ r: String, _ f: String) throws {
        let statement = try FieldWriter.fetch(&markSetStatement, db, """
            INSERT OR IGNORE INTO ps_set_fields (collection, row_id, field) VALUES (?, ?, ?)
            """)
        try statement.bind(1, c)
        try statement.bind(2, r)
        try statement.bind(3, f)
        try statement.run()
    }

    mutating func insertTag(_ c: String, _ r: String, _ f: String, _ element: String, _ dot: Dot) throws {
        let statement = try FieldWriter.fetch(&insertTagStatement, db, """
            INSERT OR IGNORE INTO ps_set_tags (collection, row_id, field, element, node, seq) VALUES (?, ?, ?, ?, ?, ?)
            """)
        try bindTag(statement, c, r, f, element, dot)
        try statement.run()
    }

    mutating func deleteTag(_ c: String, _ r: String, _ f: String, _ element: String, _ dot: Dot) throws {
        let statement = try FieldWriter.fetch(&deleteTagStatement, db, """
            DELETE FROM ps_set_tags WHERE collection = ? AND row_id = ? AND field = ? AND element = ? AND node = ? AND seq = ?
            """)
        try bindTag(statement, c, r, f, element, dot)
        try statement.run()
    }

    private func bindTag(_ statement: RawStatement, _ c: String, _ r: String, _ f: String, _ element: String, _ dot: Dot) throws {
        try statement.bind(1, c)
        try statement.bind(2, r)
        try statement.bind(3, f)
        try statement.bind(4, element)
        try statement.bind(5, dot.node)
        try statement.bind(6, seq: dot.seq)
    }

    /// The statement in `slot`, fetched from the connection's cache the first time.
    static func fetch(_ slot: inout RawStatement?, _ db: Database, _ sql: @autoclosure () -> String) throws -> RawStatement {
        if let statement = slot { return statement }
        let statement = try RawStatement(db, sql())
        slot = statement
        return statement
    }
}
