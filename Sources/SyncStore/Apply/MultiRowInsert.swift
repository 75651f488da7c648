import GRDB

/// Writes many rows of one table with multi-row `INSERT … VALUES (…), (…), …` statements, so that
/// SQLite's cost per statement (opening cursors, starting and ending the statement) is paid once
/// per chunk of rows rather than once per row. Chunks hold a power of two of rows, at most
/// ``maxRows``, so one table needs at most five statement shapes, each cached by the connection.
/// A writer lives for one transaction (its statements must not outlive it).
///
/// The rows of one call must not depend on each other's order: each chunk is one statement.
struct MultiRowInsert {
    /// The most rows one statement writes: beyond 16, SQLite's saving per row is lost in the noise.
    static let maxRows = 16
    private static let levels = 5
    /// The fewest parameters any SQLite allows in one statement (`SQLITE_MAX_VARIABLE_NUMBER`
    /// before 3.32).
    private static let maxParameters = 999

    /// Parameters per row.
    let width: Int
    private let head: String
    private let tail: String
    /// Statement texts by the base-2 logarithm of their row count, made when first needed.
    private var texts: [String?]
    private var statements: [RawStatement?] = Array(repeating: nil, count: MultiRowInsert.levels)

    /// `head` is the part before the rows (`INSERT INTO t (a, b) VALUES`), `tail` what follows
    /// them (an `ON CONFLICT` clause, or nothing).
    init(head: String, tail: String = "", width: Int) {
        self.head = head
        self.tail = tail
        self.width = width
        texts = Array(repeating: nil, count: MultiRowInsert.levels)
    }

    /// Uses texts made once by ``texts(head:tail:width:)`` (for tables whose columns never change).
    init(texts: [String], width: Int) {
        head = ""
        tail = ""
        self.width = width
        self.texts = texts
    }

    /// Every statement text of the table, for 1, 2, 4 … ``maxRows`` rows.
    static func texts(head: String, tail: String = "", width: Int) -> [String] {
        (0..<levels).map { text(head: head, tail: tail, width: width, rows: 1 << $0) }
    }

    private static func text(head: String, tail: String, width: Int, rows: Int) -> String {
        let row = "(?" + String(repeating: ", ?", count: width - 1) + ")"
        var sql = head
        sql.reserveCapacity(head.count + tail.count + rows * (row.utf8.count + 2) + 2)
        sql += " "
        for i in 0..<rows {
            if i > 0 { sql += ", " }
            sql += row
        }
        if !tail.isEmpty { sql += " " + tail }
        return sql
    }

    /// Writes `count` rows: `bind(statement, first, i)` binds row `i` at parameters `first`,
    /// `first + 1`, … `first + width - 1`.
    mutating func write(_ db: Database, count: Int, _ bind: (RawStatement, Int32, Int) throws -> Void) throws {
        var done = 0
        while done < count {
            var level = MultiRowInsert.levels - 1
            while level > 0, 1 << level > count - done || (1 << level) * width > MultiRowInsert.maxParameters { level -= 1 }
            let rows = 1 << level
            let statement = try statement(db, level: level)
            for i in 0..<rows { try bind(statement, Int32(i * width + 1), done + i) }
            try statement.run()
            done += rows
        }
    }

    private mutating func statement(_ db: Database, level: Int) throws -> RawStatement {
        if let known = statements[level] { return known }
        let sql = texts[level] ?? MultiRowInsert.text(head: head, tail: tail, width: width, rows: 1 << level)
        texts[level] = sql
        let statement = try RawStatement(db, sql)
        statements[level] = statement
        return statement
    }
}
