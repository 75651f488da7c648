import Foundation
import NIOCore
import PostgresNIO
import SyncModel

extension PostgresServerLog {
    /// Makes a token for `department`: 32 random bytes as 64 lowercase hex digits, returned once,
    /// as the SQLite file does. Only its SHA-256, the department, the creation time, the expiry
    /// (`expiresInDays` days from now, 1…36,500; nil: never) and a short random id are stored.
    /// Throws ``PostgresLogError/invalidArgument(_:)`` for a bad department or day count.
    public func addToken(department: String, expiresInDays: Int? = nil) throws -> String {
        if let days = expiresInDays, !(1...36_500).contains(days) {
            throw PostgresLogError.invalidArgument("--expires \(days): expected 1 to 36500 days")
        }
        do { try Department.validate(department) } catch { throw PostgresLogError.invalidArgument(error.description) }
        var generator = SystemRandomNumberGenerator()
        let token = Hex.text(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let hash = PostgresServerLog.tokenHash(token)
        let now = Int64(clamping: UInt64(Date().timeIntervalSince1970 * 1000))
        let expires = expiresInDays.map { now + Int64($0) * 86_400_000 }
        try writer.with { connection in
            // A clash of the 8-digit id (or of the hash) inserts nothing; draw again.
            while true {
                let id = Hex.text(bytes: (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) })
                let inserted = try connection.run("""
                    INSERT INTO ps_tokens (id, hash, department, created_at, expires_at)
                    VALUES (\(id), \(hash), \(department), \(now), \(expires)) ON CONFLICT DO NOTHING RETURNING id
                    """, logger: logger)
                if !inserted.isEmpty { return }
            }
        }
        return token
    }

    /// Binds a chosen token to `department`, for tests (fixed tokens make transcripts readable,
    /// as with `MemoryServerLog`); not exposed to operators, who get random tokens only.
    func addToken(_ token: String, department: String) throws {
        let now = Int64(clamping: UInt64(Date().timeIntervalSince1970 * 1000))
        let id = String(PostgresServerLog.tokenHash(token).prefix(8))
        _ = try writer.with { connection in
            try connection.run("""
                INSERT INTO ps_tokens (id, hash, department, created_at) VALUES (\(id), \(PostgresServerLog.tokenHash(token)), \(department), \(now))
                """, logger: logger)
        }
    }

    /// Every token, valid or revoked, oldest first.
    public func tokens() throws -> [TokenInfo] {
        let rows = try read { connection in
            try connection.run("""
                SELECT id, department, created_at, revoked_at, expires_at, last_used_at FROM ps_tokens ORDER BY created_at, id
                """, logger: logger)
        }
        return try rows.map { row in
            let (id, department, created, revoked, expires, lastUsed) =
                try PostgresOpRow.decode(row, as: (String, String, Int64, Int64?, Int64?, Int64?).self)
            func time(_ value: Int64) -> UInt64 { UInt64(max(0, value)) }
            return TokenInfo(id: id, department: department, createdAtMilliseconds: time(created),
                             revokedAtMilliseconds: revoked.map(time), expiresAtMilliseconds: expires.map(time),
                             lastUsedAtMilliseconds: lastUsed.map(time))
        }
    }

    /// Revokes the token with this id or unique id prefix (revoking twice changes nothing).
    /// Throws ``PostgresLogError/noSuchToken(_:)`` or ``PostgresLogError/ambiguousToken(_:)``.
    public func revokeToken(_ idOrPrefix: String) throws {
        let prefix = idOrPrefix.lowercased()
        try writer.transaction { connection in
            let ids = try connection.run("SELECT id FROM ps_tokens FOR UPDATE", logger: logger)
                .map { try PostgresOpRow.decode($0, as: String.self) }
            // Compared by bytes (ids are ASCII hex; "C" collation on the server).
            let matches = ids.contains(where: { $0.utf8.elementsEqual(prefix.utf8) }) ? [prefix]
                : ids.filter { !prefix.isEmpty && $0.utf8.starts(with: prefix.utf8) }
            guard let id = matches.first else { throw PostgresLogError.noSuchToken(idOrPrefix) }
            guard matches.count == 1 else { throw PostgresLogError.ambiguousToken(idOrPrefix) }
            let now = Int64(clamping: UInt64(Date().timeIntervalSince1970 * 1000))
            try connection.run("UPDATE ps_tokens SET revoked_at = \(now) WHERE id = \(id) AND revoked_at IS NULL", logger: logger)
        }
    }
}
