import GRDB
import SyncModel

/// Writes field merge state to the metadata tables (``FieldStore`` reads it): register siblings,
/// counter sums, set marks and tags. Deletes run at once; inserts are queued and written by
/// ``flush()`` in multi-row statements (``MultiRowInsert``), one table at a time.
///
/// What a transaction deletes and inserts never share a key (a field's old and new siblings or
/// tags differ by dot, a counter is written once), so writing the inserts last changes nothing
/// but the number of statements.
struct FieldWriter {
    let db: Database

    private struct Key {
        let collection: String
        let row: String
        let field: String
    }

    private var siblings: [(key: Key, sibling: Sibling)] = []
    private var counters: [(key: Key, value: Int64)] = []
    private var setMarks: [Key] = []
    private var tags: [(key: Key, element: String, dot: Dot)] = []
    private var deleteSiblingStatement: RawStatement?
    private var deleteTagStatement: RawStatement?

    init(db: Database) {
        self.db = db
    }

    // MARK: Registers

    mutating func insertSibling(_ c: String, _ r: String, _ f: String, _ s: Sibling) {
        siblings.append((Key(collection: c, row: r, field: f), s))
    }

    mutating func deleteSibling(_ c: String, _ r: String, _ f: String, _ dot: Dot) throws {
        let statement = try FieldWriter.fetch(&deleteSiblingStatement, db, """
            DELETE FROM ps_registers WHERE collection = ? AND row_id = ? AND field = ? AND node = ? AND seq = ?
            """)
        try FieldWriter.bind(statement, 1, Key(collection: c, row: r, field: f))
        try statement.bind(4, dot.node)
        try statement.bind(5, seq: dot.seq)
        try statement.run()
    }

    // MARK: Counters

    mutating func writeCounter(_ c: String, _ r: String, _ f: String, _ counter: PNCounter) {
        counters.append((Key(collection: c, row: r, field: f), counter.value))
    }

    // MARK: Sets

    /// Records that the set field has had an op (an emptied set still exists in the state).
    mutating func markSet(_ c: String, _ r: String, _ f: String) {
        setMarks.append(Key(collection: c, row: r, field: f))
    }

    mutating func insertTag(_ c: String, _ r: String, _ f: String, _ element: String, _ dot: Dot) {
        tags.append((Key(collection: c, row: r, field: f), element, dot))
    }

    mutating func deleteTag(_ c: String, _ r: String, _ f: String, _ element: String, _ dot: Dot) throws {
        let statement = try FieldWriter.fetch(&deleteTagStatement, db, """
            DELETE FROM ps_set_tags WHERE collection = ? AND row_id = ? AND field = ? AND element = ? AND node = ? AND seq = ?
            """)
        try FieldWriter.bind(statement, 1, Key(collection: c, row: r, field: f))
        try statement.bind(4, element)
        try statement.bind(5, dot.node)
        try statement.bind(6, seq: dot.seq)
        try statement.run()
    }

    // MARK: Writing the queued inserts

    mutating func flush() throws {
        if !siblings.isEmpty {
            var insert = MultiRowInsert(texts: FieldWriter.siblingInserts, width: 9)
            try insert.write(db, count: siblings.count) { statement, first, i in
                let (key, s) = siblings[i]
                try FieldWriter.bind(statement, first, key)
                try statement.bind(first + 3, s.dot.node)
                try statement.bind(first + 4, seq: s.dot.seq)
                try statement.bind(first + 5, hlc: s.hlc)
                try statement.bind(first + 6, json: s.value)
                try statement.bind(first + 7, s.context.map(\.jsonText))
                try statement.bind(first + 8, s.department)
            }
            siblings = []
        }
        if !counters.isEmpty {
            var insert = MultiRowInsert(texts: FieldWriter.counterUpserts, width: 4)
            try insert.write(db, count: counters.count) { statement, first, i in
                try FieldWriter.bind(statement, first, counters[i].key)
                try statement.bind(first + 3, counters[i].value)
            }
            counters = []
        }
        if !setMarks.isEmpty {
            var insert = MultiRowInsert(texts: FieldWriter.setMarkInserts, width: 3)
            try insert.write(db, count: setMarks.count) { statement, first, i in
                try FieldWriter.bind(statement, first, setMarks[i])
            }
            setMarks = []
        }
        if !tags.isEmpty {
            var insert = MultiRowInsert(texts: FieldWriter.tagInserts, width: 6)
            try insert.write(db, count: tags.count) { statement, first, i in
                let (key, element, dot) = tags[i]
                try FieldWriter.bind(statement, first, key)
                try statement.bind(first + 3, element)
                try statement.bind(first + 4, dot.node)
                try statement.bind(first + 5, seq: dot.seq)
            }
            tags = []
        }
    }

    private static let siblingInserts = MultiRowInsert.texts(
        head: "INSERT INTO ps_registers (collection, row_id, field, \(FieldStore.siblingColumns)) VALUES", width: 9)
    private static let counterUpserts = MultiRowInsert.texts(
        head: "INSERT INTO ps_counters (collection, row_id, field, value) VALUES",
        tail: "ON CONFLICT DO UPDATE SET value = excluded.value", width: 4)
    private static let setMarkInserts = MultiRowInsert.texts(
        head: "INSERT OR IGNORE INTO ps_set_fields (collection, row_id, field) VALUES", width: 3)
    private static let tagInserts = MultiRowInsert.texts(
        head: "INSERT OR IGNORE INTO ps_set_tags (collection, row_id, field, element, node, seq) VALUES", width: 6)

    private static func bind(_ statement: RawStatement, _ first: Int32, _ key: Key) throws {
        try statement.bind(first, key.collection)
        try statement.bind(first + 1, key.row)
        try statement.bind(first + 2, key.field)
    }

    /// The statement in `slot`, fetched from the connection's cache the first time.
    static func fetch(_ slot: inout RawStatement?, _ db: Database, _ sql: @autoclosure () -> String) throws -> RawStatement {
        if let statement = slot { return statement }
        let statement = try RawStatement(db, sql())
        slot = statement
        return statement
    }
}
