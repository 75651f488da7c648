import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import SyncPostgres

/// The PostgreSQL server the tests run against: `PLANSYNC_POSTGRES_URL` (`.ci/postgres.sh start`
/// prints it). Without it the tests that need a server are skipped, saying why; with
/// `PLANSYNC_REQUIRE_POSTGRES=1` (CI) they run and fail instead.
public enum PostgresTestServer {
    private static let environment = ProcessInfo.processInfo.environment
    public static let url = environment["PLANSYNC_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    public static let required = environment["PLANSYNC_REQUIRE_POSTGRES"] == "1"

    /// Run the test: a server is given, or one is required (and its absence then fails the test).
    public static let enabled = url != nil || required

    /// The reason a test is skipped, for `.enabled(if: enabled, Comment(rawValue: skipReason))`.
    public static let skipReason = "PLANSYNC_POSTGRES_URL is not set, so there is no PostgreSQL server to test against (eval \"$(bash .ci/postgres.sh start)\" starts one)"

    /// Runs `body` with the URL of a new database of its own, dropped afterwards (open
    /// connections included), so tests do not see each other's rows.
    public static func withDatabase<T>(_ body: (PostgresURL) throws -> T) throws -> T {
        let database = try TestDatabase()
        defer { database.drop() }
        return try body(database.url)
    }

    /// The async form of ``withDatabase(_:)``.
    public static func withDatabase<T>(_ body: (PostgresURL) async throws -> T) async throws -> T {
        let database = try TestDatabase()
        defer { database.drop() }
        return try await body(database.url)
    }

    public static func adminURL() throws -> PostgresURL {
        guard let url else {
            throw PostgresTestError("PLANSYNC_REQUIRE_POSTGRES=1 but PLANSYNC_POSTGRES_URL is not set: no PostgreSQL server to test against")
        }
        return try PostgresURL(url)
    }

    /// Runs one statement on its own connection (not on the test's cooperative thread's event loop).
    public static func execute(_ url: PostgresURL, _ sql: String) throws {
        try PostgresScratchDatabase.execute(url, sql)
    }

    public static let logger = Logger(label: "plansync.tests.postgres")
}

/// A new database with a random name on the test server, for one test; ``drop()`` removes it.
public struct TestDatabase: Sendable {
    private let scratch: PostgresScratchDatabase

    /// The URL of the new database.
    public var url: PostgresURL { scratch.url }

    /// Creates it. Throws when no server is configured or it refuses.
    public init() throws {
        scratch = try PostgresScratchDatabase(server: try PostgresTestServer.adminURL(), prefix: "plansync_test")
    }

    /// Drops it, closing connections still open to it (best effort: a leftover is harmless).
    public func drop() { scratch.drop() }
}

/// A test's missing precondition, said in one line.
public struct PostgresTestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
