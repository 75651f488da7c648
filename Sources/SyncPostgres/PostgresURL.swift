import Foundation
import NIOSSL
import PostgresNIO

/// A `--postgres` URL, `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require]`
/// (also `postgresql://`), read into postgres-nio's connection configuration. Port 5432 and
/// database `postgres` when left out; `sslmode` defaults to `disable`. Percent-escapes are decoded.
public struct PostgresURL: Sendable, CustomStringConvertible {
    /// The server's host name or address.
    public let host: String
    /// The server's TCP port.
    public let port: Int
    /// The role to log in as.
    public let user: String
    /// The role's password, nil for trust or peer authentication.
    let password: String?
    /// The database the log lives in.
    public let database: String
    /// Whether the connection must use TLS (`sslmode=require`).
    public let requireTLS: Bool

    /// Parses `text`. Throws ``PostgresLogError/badURL(_:)`` naming the part that is wrong.
    public init(_ text: String) throws(PostgresLogError) {
        guard let url = URLComponents(string: text) else { throw .badURL("expected postgres://USER@HOST:PORT/DATABASE") }
        // The messages name the part that is wrong, never the whole text: it may hold a password.
        guard let scheme = url.scheme else { throw .badURL("expected postgres://USER@HOST:PORT/DATABASE") }
        guard ["postgres", "postgresql"].contains(scheme.lowercased()) else {
            throw .badURL("expected postgres://USER@HOST:PORT/DATABASE, got scheme \(scheme)")
        }
        guard let host = url.host, !host.isEmpty else { throw .badURL("no host (postgres://USER@HOST/DATABASE)") }
        guard let user = url.user, !user.isEmpty else { throw .badURL("no user (postgres://USER@HOST/DATABASE)") }
        if let port = url.port, !(1...65_535).contains(port) { throw .badURL("port \(port) is out of range") }
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        var requireTLS = false
        for item in url.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("sslmode", "disable"): requireTLS = false
            case ("sslmode", "require"): requireTLS = true
            case ("sslmode", let other): throw .badURL("sslmode=\(other): expected disable or require")
            case (let name, _): throw .badURL("unknown parameter \(name)")
            }
        }
        self.host = host
        self.port = url.port ?? 5432
        self.user = user
        self.password = url.password
        self.database = path.isEmpty ? "postgres" : path
        self.requireTLS = requireTLS
    }

    /// The same server and login on another database (tests make and drop their own).
    public func with(database: String) -> PostgresURL {
        PostgresURL(host: host, port: port, user: user, password: password, database: database, requireTLS: requireTLS)
    }

    private init(host: String, port: Int, user: String, password: String?, database: String, requireTLS: Bool) {
        (self.host, self.port, self.user, self.password, self.database, self.requireTLS) = (host, port, user, password, database, requireTLS)
    }

    /// Without the password, for logs and errors.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// postgres-nio's configuration for this URL; a TLS context failure is reported as unreachable.
    public func configuration() throws(PostgresLogError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        if requireTLS {
            do { tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration())) } catch {
                throw .unreachable("cannot set up TLS: \(error)")
            }
        } else {
            tls = .disable
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}
