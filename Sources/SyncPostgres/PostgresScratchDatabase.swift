import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// A new database with a random name on a server, for a test or a benchmark run that must not
/// see other rows; ``drop()`` removes it. Created and dropped through the server's database at
/// `server` (usually `postgres`), each statement on a connection of its own.
/// ```swift
/// let scratch = try PostgresScratchDatabase(server: try PostgresURL("postgres://postgres@127.0.0.1:5432/postgres"), prefix: "plansync_bench")
/// defer { scratch.drop() }
/// let log = try PostgresServerLog(url: scratch.url)
/// ```
public struct PostgresScratchDatabase: Sendable {
    /// The URL of the new database.
    public let url: PostgresURL
    private let server: PostgresURL
    private let name: String

    /// Creates the database `<prefix>_<random>`. Throws ``PostgresLogError`` when the server
    /// cannot be reached or refuses (no `CREATEDB` right). Not on an event loop: it waits.
    public init(server: PostgresURL, prefix: String) throws {
        self.server = server
        name = "\(prefix)_\(UInt64.random(in: 0...UInt64.max) & 0xffff_ffff_ffff)"
        try PostgresScratchDatabase.execute(server, "CREATE DATABASE \(name)")
        url = server.with(database: name)
    }

    /// Drops it, closing connections still open to it (best effort: a leftover is harmless).
    public func drop() {
        try? PostgresScratchDatabase.execute(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement on a connection of its own and waits (not on an event loop). For
    /// administration and tests only: `sql` is sent as it is, so it must never hold input.
    /// Throws ``PostgresLogError``.
    public static func execute(_ url: PostgresURL, _ sql: String) throws {
        let logger = Logger(label: "plansync.postgres.scratch")
        do {
            let connection = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(),
                                                            configuration: url.configuration(), id: 99, logger: logger).wait()
            defer { _ = try? connection.close().wait() }
            _ = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
        } catch let error as PostgresLogError {
            throw error
        } catch {
            throw PostgresLogError.server("\(sql.split(separator: " ").prefix(2).joined(separator: " ")) failed: \(String(reflecting: error))")
        }
    }
}
