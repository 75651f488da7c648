import Foundation
import GRDB
import SyncModel

// MARK: - Tokens

extension ServerLog {
    /// Makes a token for `department`: 32 random bytes as 64 lowercase hex digits, returned once.
    /// Only its SHA-256, the department, the creation time, the expiry (`expiresInDays` days from
    /// now, 1…36,500; nil: never) and a short random id are stored.
    public func addToken(department: String, expiresInDays: Int? = nil) throws -> String {
        if let days = expiresInDays, !(1...36_500).contains(days) {
            throw StoreError.invalidIdentity("--expires \(days): expected 1 to 36500 days")
        }
        do { try Department.validate(department) } catch { throw StoreError.invalidIdentity(error.description) }
        guard !ExactText.equal(department, ServerLog.department) else {
            throw StoreError.invalidIdentity("the department \"\(ServerLog.department)\" is reserved for the sync daemon's own file; choose another name")
        }
        var generator = SystemRandomNumberGenerator()
        let token = Hex.text(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try write { db in
            var id: String
            repeat {
                id = Hex.text(bytes: (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) })
            } while try Bool.fetchOne(db, sql: "SELECT 1 FROM ps_tokens WHERE id = ?", arguments: [id]) != nil
            let now = Int64(clamping: IdentityRecord.wallMilliseconds())
            try db.execute(sql: "INSERT INTO ps_tokens (id, hash, department, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, ServerLog.tokenHash(token), department, now, expiresInDays.map { now + Int64($0) * 86_400_000 }])
        }
        return token
    }

    /// Every token, valid or revoked, oldest first.
    public func tokens() throws -> [TokenInfo] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, department, created_at, revoked_at, expires_at, last_used_at FROM ps_tokens ORDER BY created_at, id
                """)
            return try rows.map { row in
                func time(_ index: Int) throws -> UInt64? { try row.decode(Int64?.self, atIndex: index).map { UInt64(max(0, $0)) } }
                return TokenInfo(id: try row.decode(String.self, atIndex: 0), department: try row.decode(String.self, atIndex: 1),
                                 createdAtMilliseconds: try time(2) ?? 0, revokedAtMilliseconds: try time(3),
                                 expiresAtMilliseconds: try time(4), lastUsedAtMilliseconds: try time(5))
            }
        }
    }

    /// Revokes the token with this id or unique id prefix (revoking twice changes nothing).
    /// Throws ``StoreError/noSuchToken(_:)`` or ``StoreError/ambiguousToken(_:)``.
    public func revokeToken(_ idOrPrefix: String) throws {
        let prefix = idOrPrefix.lowercased()
        try write { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM ps_tokens")
            let matches = ids.contains(prefix) ? [prefix] : ids.filter { !prefix.isEmpty && $0.hasPrefix(prefix) }
            guard let id = matches.first else { throw StoreError.noSuchToken(idOrPrefix) }
            guard matches.count == 1 else { throw StoreError.ambiguousToken(idOrPrefix) }
            try db.execute(sql: "UPDATE ps_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                           arguments: [Int64(clamping: IdentityRecord.wallMilliseconds()), id])
        }
    }

    /// The department bound to `token`, nil when unknown or revoked.
    public func department(forToken token: String) throws -> String? {
        let hash = ServerLog.tokenHash(token)
        return try read { db in
            try String.fetchOne(db, sql: "SELECT department FROM ps_tokens WHERE hash = ? AND revoked_at IS NULL", arguments: [hash])
        }
    }

    /// Whether `token` is valid at `nowMilliseconds` (unknown, revoked, expired); with `recordUse`
    /// a valid token's last use is set to now (at most once a minute, so hellos do not each write).
    public func checkToken(_ token: String, nowMilliseconds: UInt64, recordUse: Bool) throws -> TokenCheck {
        let hash = ServerLog.tokenHash(token)
        let row = try read { db in
            try Row.fetchOne(db, sql: "SELECT department, revoked_at, expires_at, last_used_at FROM ps_tokens WHERE hash = ?", arguments: [hash])
        }
        guard let row else { return .unknown }
        let department: String = try row.decode(String.self, atIndex: 0)
        if try row.decode(Int64?.self, atIndex: 1) != nil { return .revoked }
        let now = Int64(clamping: nowMilliseconds)
        if let expires = try row.decode(Int64?.self, atIndex: 2), expires <= now { return .expired(atMilliseconds: UInt64(max(0, expires))) }
        if recordUse, (try row.decode(Int64?.self, atIndex: 3)).map({ now - $0 >= 60_000 }) ?? true {
            try write { db in try db.execute(sql: "UPDATE ps_tokens SET last_used_at = ? WHERE hash = ?", arguments: [now, hash]) }
        }
        return .valid(department: department)
    }

    /// SHA-256 of the token's UTF-8, 64 lowercase hex digits.
    static func tokenHash(_ token: String) -> String { Hex.sha256(token) }
}

/// `plansyncd token` works on the file through the same seam as on PostgreSQL.
extension ServerLog: TokenAdministration {}
