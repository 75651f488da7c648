import PostgresNIO

/// Why the PostgreSQL log failed, as one line an operator can act on. Refused pushes are not
/// errors of this type: they throw ``SyncModel/Admission/Refusal`` as on every backend.
public enum PostgresLogError: Error, Equatable, CustomStringConvertible {
    /// The `--postgres` URL does not parse (the reason says which part).
    case badURL(String)
    /// The server could not be reached or refused the connection (host, port, login).
    case unreachable(String)
    /// The server answered a query with an error (its message and SQLSTATE).
    case server(String)
    /// A stored row does not read back as an op (a damaged or foreign table).
    case corrupt(String)
    /// The database was migrated by a newer plansyncd: its schema version, and ours.
    case newerSchema(found: Int, known: Int)
    /// A bad argument (department name, day count), with the reason.
    case invalidArgument(String)
    /// `token revoke` matched no token.
    case noSuchToken(String)
    /// `token revoke` matched several tokens.
    case ambiguousToken(String)

    /// One line for the operator, without the URL's password.
    public var description: String {
        switch self {
        case .badURL(let reason): "bad PostgreSQL URL: \(reason)"
        case .unreachable(let reason): "cannot reach PostgreSQL: \(reason)"
        case .server(let message): "PostgreSQL: \(message)"
        case .corrupt(let what): "the PostgreSQL log is damaged: \(what)"
        case .newerSchema(let found, let known):
            "the database has schema version \(found), newer than this plansyncd knows (\(known)); upgrade plansyncd"
        case .invalidArgument(let message): message
        case .noSuchToken(let id): "no token \(id)"
        case .ambiguousToken(let id): "token id \(id) is ambiguous; give more characters"
        }
    }

    /// An error of postgres-nio as one line. `PSQLError`'s own description hides the server's
    /// message on purpose (it may hold data); the message and SQLSTATE are what an operator needs.
    static func from(_ error: any Error, connecting: Bool = false) -> PostgresLogError {
        if let error = error as? PostgresLogError { return error }
        guard let psql = error as? PSQLError else {
            return connecting ? .unreachable("\(error)") : .server("\(error)")
        }
        if let info = psql.serverInfo, let message = info[.message] {
            let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return connecting ? .unreachable(message + state) : .server(message + state)
        }
        let cause = psql.underlying.map { ": \($0)" } ?? ""
        return connecting || psql.code == .connectionError ? .unreachable("\(psql.code)\(cause)") : .server("\(psql.code)\(cause)")
    }
}
