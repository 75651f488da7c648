import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#else
import SQLite3
#endif

/// A cached GRDB statement that the apply loop binds and steps through SQLite's C API: no argument
/// array per execution, no SQL lookup per execution (the statement is fetched once per transaction),
/// and no allocation per bound text: text is copied into memory reused from run to run
/// (``BindArena``), which SQLite reads in place (`SQLITE_STATIC`).
///
/// Every parameter is bound before each ``run()`` (or ``step()``). Errors come out as GRDB's
/// `DatabaseError`, so the transaction rolls back like any other failed statement. Use it only
/// inside the transaction that fetched it, and do not hold two for one SQL text at once: the last
/// one released clears the bindings, which point into its memory.
final class RawStatement {
    /// Keeps the handle alive; GRDB's statement cache owns it too.
    private let statement: Statement
    private let handle: OpaquePointer
    /// The bound text, owned here while SQLite points into it.
    private var arena = BindArena()

    init(_ db: Database, _ sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
    }

    deinit {
        // GRDB resets and rebinds a cached statement before using it, but nothing may keep
        // pointing into freed buffers.
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        arena.release()
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

    /// Binds UTF-8 bytes as TEXT (copied into the arena).
    func bind(_ index: Int32, utf8 bytes: UnsafeBufferPointer<UInt8>) throws {
        let text = arena.copy(UnsafeRawBufferPointer(bytes)).assumingMemoryBound(to: CChar.self)
        // A nil destructor is SQLITE_STATIC: SQLite reads the copy in place until it is rebound or cleared.
        try check(sqlite3_bind_text(handle, index, text, Int32(bytes.count), nil))
    }

    /// Binds bytes as a BLOB (copied into the arena).
    func bind(_ index: Int32, blob bytes: UnsafeRawBufferPointer) throws {
        let copy = arena.copy(bytes)
        try check(sqlite3_bind_blob(handle, index, copy, Int32(bytes.count), nil))
    }

    // MARK: Stepping

    /// Runs a statement that returns no row to completion, and resets it.
    func run() throws {
        let code = sqlite3_step(handle)
        if code != SQLITE_DONE {
            let error = failure(code)
            reset()
            throw error
        }
        reset()
    }

    /// Steps once: true when a row is available (read it with ``int64(_:)`` / ``text(_:)``),
    /// false when done. Call ``reset()`` when finished reading.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let error = failure(code)
            reset()
            throw error
        }
    }

    /// Ends the current run; the bound text may be overwritten from here on (every parameter is
    /// bound again before the next run).
    func reset() {
        sqlite3_reset(handle)
        arena.rewind()
    }

    /// Column `index` (0-based) of the current row as an integer.
    func int64(_ index: Int32) -> Int64 {
        sqlite3_column_int64(handle, index)
    }

    /// Column `index` (0-based) of the current row as text, nil for NULL.
    func optionalText(_ index: Int32) -> String? {
        sqlite3_column_type(handle, index) == SQLITE_NULL ? nil : text(index)
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
}
