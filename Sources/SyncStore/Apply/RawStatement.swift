import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#else
import SQLite3
#endif

/// A cached GRDB statement that the apply loop binds and steps through SQLite's C API: no argument
/// array per execution, no SQL lookup per execution (the statement is fetched once per transaction),
/// and no allocation per bound text: each parameter has a buffer of its own, reused from run to
/// run, that SQLite reads in place (`SQLITE_STATIC`).
///
/// Every parameter is bound before each ``run()``. Errors come out as GRDB's `DatabaseError`, so
/// the transaction rolls back like any other failed statement. Use it only inside the transaction
/// that fetched it, and do not hold two for one SQL text at once: the last one released clears the
/// bindings, which point into its buffers.
final class RawStatement {
    /// Keeps the handle alive; GRDB's statement cache owns it too.
    private let statement: Statement
    private let handle: OpaquePointer
    /// Text of each parameter (index − 1), owned here while SQLite points into it.
    private var buffers: [UnsafeMutableRawBufferPointer]

    init(_ db: Database, _ sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
        buffers = Array(repeating: UnsafeMutableRawBufferPointer(start: nil, count: 0), count: Int(sqlite3_bind_parameter_count(handle)))
    }

    deinit {
        // GRDB resets and rebinds a cached statement before using it, but nothing may keep
        // pointing into freed buffers.
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for buffer in buffers { buffer.deallocate() }
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

    /// Binds UTF-8 bytes as TEXT (copied into the parameter's buffer).
    func bind(_ index: Int32, utf8 bytes: UnsafeBufferPointer<UInt8>) throws {
        let slot = Int(index) - 1
        guard buffers.indices.contains(slot) else { throw failure(SQLITE_RANGE) }
        // Never empty, so the address is never nil (which SQLite would bind as NULL, not '').
        if buffers[slot].count < max(bytes.count, 1) {
            buffers[slot].deallocate()
            buffers[slot] = .allocate(byteCount: max(bytes.count, 64), alignment: 1)
        }
        guard let target = buffers[slot].baseAddress else { throw failure(SQLITE_NOMEM) }
        if let source = bytes.baseAddress { target.copyMemory(from: source, byteCount: bytes.count) }
        // A nil destructor is SQLITE_STATIC: SQLite reads the buffer in place until it is rebound or cleared.
        try check(sqlite3_bind_text(handle, index, target.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil))
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
}
