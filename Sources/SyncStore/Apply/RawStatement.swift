import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#else
import SQLite3
#endif

/// A cached GRDB statement that the apply loop binds and steps through SQLite's C API: no argument
/// array per execution, no SQL lookup per execution (the statement is fetched once per transaction),
/// and bindings that keep their buffers from one run to the next (SQLite copies text into them).
///
/// Every parameter is bound before each ``run()``; nothing is cleared in between. Errors come out
/// as GRDB's `DatabaseError`, so the transaction rolls back like any other failed statement.
/// The statement must only be used inside the transaction that fetched it.
struct RawStatement {
    /// Keeps the handle alive; GRDB's statement cache owns it too.
    private let statement: Statement
    private let handle: OpaquePointer

    init(_ db: Database, _ sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
    }

    // MARK: Binding (1-based indexes)

    func bind(_ index: Int32, _ value: Int64) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    func bind(_ index: Int32, _ value: Double) throws {
        try check(sqlite3_bind_double(handle, index, value))
    }

    func bindNull(_ index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    func bind(_ index: Int32, _ text: String) throws {
        var text = text
        try text.withUTF8 { try bind(index, utf8: $0) }
    }

    func bind(_ index: Int32, _ text: String?) throws {
        if let text { try bind(index, text) } else { try bindNull(index) }
    }

    /// Binds UTF-8 bytes as TEXT (copied by SQLite).
    func bind(_ index: Int32, utf8 bytes: UnsafeBufferPointer<UInt8>) throws {
        // An empty buffer may have no address, which SQLite would bind as NULL rather than ''.
        let code = bytes.withMemoryRebound(to: CChar.self) { chars in
            if let base = chars.baseAddress {
                return sqlite3_bind_text(handle, index, base, Int32(chars.count), RawStatement.transient)
            }
            return sqlite3_bind_text(handle, index, "", 0, RawStatement.transient)
        }
        try check(code)
    }

    func bind(_ index: Int32, _ value: DatabaseValue) throws {
        switch value.storage {
        case .null: try bindNull(index)
        case .int64(let i): try bind(index, i)
        case .double(let d): try bind(index, d)
        case .string(let s): try bind(index, s)
        case .blob(let data):
            let code = data.withUnsafeBytes { raw in
                sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), RawStatement.transient)
            }
            try check(code)
        }
    }

    // MARK: Stepping

    /// Runs a statement that returns no row to completion, and resets it.
    func run() throws {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            let error = failure(code)
            sqlite3_reset(handle)
            throw error
        }
        sqlite3_reset(handle)
    }

    /// Steps once: true when a row is available (read it with ``int64(_:)`` / ``text(_:)``),
    /// false when done. Call ``reset()`` when finished reading.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let error = failure(code)
            sqlite3_reset(handle)
            throw error
        }
    }

    func reset() {
        sqlite3_reset(handle)
    }

    /// Column `index` (0-based) of the current row as an integer.
    func int64(_ index: Int32) -> Int64 {
        sqlite3_column_int64(handle, index)
    }

    /// Whether column `index` (0-based) of the current row is NULL.
    func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    /// Column `index` (0-based) of the current row as text ('' for NULL).
    func text(_ index: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    // MARK: Errors

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw failure(code) }
    }

    private func failure(_ code: Int32) -> DatabaseError {
        let message = sqlite3_db_handle(handle).flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }

    /// SQLite's `SQLITE_TRANSIENT`: copy the bound bytes before the call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
