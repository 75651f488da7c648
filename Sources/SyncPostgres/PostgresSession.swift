import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// One PostgreSQL connection behind a lock, opened on first use and again after it was lost:
/// the unit ``PostgresServerLog`` runs its statements on, one caller at a time.
///
/// Synchronous on purpose: it runs postgres-nio's `EventLoopFuture` API on the log's own event
/// loop and `wait()`s from the calling thread, which is never an event loop (the daemon calls its
/// storage from its thread pool and dispatch queues only).
final class PostgresSession: @unchecked Sendable {
    private let lock = NIOLock()
    /// Guarded by `lock`.
    private var connection: PostgresConnection?
    private let configuration: PostgresConnection.Configuration
    private let eventLoop: any EventLoop
    let logger: Logger
    private let id: Int

    init(configuration: PostgresConnection.Configuration, eventLoop: any EventLoop, logger: Logger, id: Int) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.logger = logger
        self.id = id
    }

    /// Runs `body` with the connection, alone. A connection found closed is replaced first; one
    /// that `body` leaves closed is dropped, so the next call reconnects.
    func with<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try lock.withLock {
            let connection = try open()
            defer { if connection.isClosed { self.connection = nil } }
            return try body(connection)
        }
    }

    /// Runs `body` inside BEGIN … COMMIT. Any error rolls back (when the connection still
    /// stands) and is rethrown as it was, so a refusal stays a refusal. Returns only after the
    /// server acknowledged COMMIT.
    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try with { connection in try inTransaction(on: connection, body) }
    }

    /// ``transaction(_:)`` on a `connection` already taken with ``with(_:)``.
    func inTransaction<T>(on connection: PostgresConnection, _ body: (PostgresConnection) throws -> T) throws -> T {
        try connection.run("BEGIN", logger: logger)
        let value: T
        do { value = try body(connection) } catch {
            if !connection.isClosed { _ = try? connection.run("ROLLBACK", logger: logger) }
            throw error
        }
        try connection.run("COMMIT", logger: logger)
        return value
    }

    /// postgres-nio requires a connection closed before it is released: one still open is closed
    /// here and kept until its close completes (a deinit may run on any thread).
    deinit {
        if let connection, !connection.isClosed { connection.closeKeepingAlive() }
    }

    /// Closes the connection and waits (idempotent; not on an event loop).
    func close() {
        lock.withLock {
            if let connection { _ = try? connection.close().wait() }
            connection = nil
        }
    }

    /// Called with `lock` held.
    private func open() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        do {
            let opened = try PostgresConnection.connect(on: eventLoop, configuration: configuration, id: id, logger: logger).wait()
            connection = opened
            return opened
        } catch {
            throw PostgresLogError.from(error, connecting: true)
        }
    }
}

extension PostgresConnection {
    /// Starts closing without waiting, and holds the connection until it is closed: postgres-nio
    /// asserts that a connection is closed when it is released.
    func closeKeepingAlive() {
        close().whenComplete { _ in withExtendedLifetime(self) {} }
    }

    /// Runs `query` and waits for all its rows; errors become ``PostgresLogError``.
    @discardableResult
    func run(_ query: PostgresQuery, logger: Logger) throws -> [PostgresRow] {
        do { return try self.query(query, logger: logger).wait().rows } catch { throw PostgresLogError.from(error) }
    }

    /// The first column of the first row as `T`, nil when there is no row or it is NULL.
    func value<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type, logger: Logger) throws -> T? where T._DecodableType == T {
        guard let row = try run(query, logger: logger).first else { return nil }
        do { return try row.decode(T?.self) } catch { throw PostgresLogError.corrupt("\(error)") }
    }
}
