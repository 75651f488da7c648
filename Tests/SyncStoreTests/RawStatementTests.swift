import GRDB
@testable import SyncStore
import SyncModel
import Testing

/// The apply loop's direct bindings write the same text as the model's text forms, and multi-row
/// inserts write every row once, whatever the count.
@Suite struct RawStatementTests {
    static let values: [Value] = CodecTests.values + [
        .integer(Int64.min), .integer(-7), .text(String(repeating: "长", count: 2_000)),
        .text(String(repeating: "x", count: 40_000)), .text(String(repeating: "\"", count: 3)),
    ]

    @Test func jsonBindingIsValueJSONText() throws {
        let db = try DatabaseQueue()
        try db.write { db in
            try db.execute(sql: "CREATE TABLE t (i INTEGER PRIMARY KEY, v TEXT NOT NULL, shown)")
            let insert = try RawStatement(db, "INSERT INTO t (i, v, shown) VALUES (?, ?, ?)")
            for (i, value) in RawStatementTests.values.enumerated() {
                try insert.bind(1, Int64(i))
                try insert.bind(2, json: value)
                try insert.bind(3, shown: value)
                try insert.run()
            }
            for (i, value) in RawStatementTests.values.enumerated() {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT v, shown FROM t WHERE i = ?", arguments: [i]))
                #expect(row[0] as String == value.jsonText, "\(value)")
                #expect(row["shown"] as DatabaseValue == value.databaseValue, "\(value)")
            }
        }
    }

    @Test func textBindingsKeepEmptyTextAndHLCs() throws {
        let db = try DatabaseQueue()
        try db.write { db in
            try db.execute(sql: "CREATE TABLE t (a, b, c)")
            let insert = try RawStatement(db, "INSERT INTO t (a, b, c) VALUES (?, ?, ?)")
            let hlc = try HLCTimestamp(milliseconds: 1_733_000_000_000, counter: 7)
            try insert.bind(1, "")
            try insert.bind(2, hlc: hlc)
            try insert.bind(3, nil as String?)
            try insert.run()
            let row = try #require(try Row.fetchOne(db, sql: "SELECT a, typeof(a), b, c FROM t"))
            #expect(row[0] as String == "" && row[1] as String == "text")
            #expect(row[2] as String == hlc.description)
            #expect((row[3] as DatabaseValue).isNull)
        }
    }

    @Test(arguments: [0, 1, 2, 15, 16, 17, 33, 100, 1_000])
    func multiRowInsertWritesEveryRowOnce(count: Int) throws {
        let db = try DatabaseQueue()
        try db.write { db in
            try db.execute(sql: "CREATE TABLE t (i INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            var insert = MultiRowInsert(head: "INSERT INTO t (i, name) VALUES", width: 2)
            try insert.write(db, count: count) { statement, first, i in
                try statement.bind(first, Int64(i))
                try statement.bind(first + 1, "row \(i) " + String(repeating: "ä", count: i % 50))
            }
            let rows = try Row.fetchAll(db, sql: "SELECT i, name FROM t ORDER BY i")
            #expect(rows.count == count)
            for (i, row) in rows.enumerated() {
                #expect(row[0] as Int == i && row[1] as String == "row \(i) " + String(repeating: "ä", count: i % 50))
            }
        }
    }

    @Test func aFailedRunThrowsADatabaseErrorAndTheStatementRunsAgain() throws {
        let db = try DatabaseQueue()
        try db.write { db in
            try db.execute(sql: "CREATE TABLE t (i INTEGER PRIMARY KEY)")
            let insert = try RawStatement(db, "INSERT INTO t (i) VALUES (?)")
            try insert.bind(1, Int64(1))
            try insert.run()
            try insert.bind(1, Int64(1))
            #expect(throws: DatabaseError.self) { try insert.run() }
            try insert.bind(1, Int64(2))
            try insert.run()
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM t") == 2)
        }
    }
}
