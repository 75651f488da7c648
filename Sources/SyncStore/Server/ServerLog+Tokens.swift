import Foundation
import GRDB
import SyncModel

// MARK: - Tokens

extension ServerLog {
    /// Makes a token for `department`: 32 random bytes as 64 lowercase hex digits, returned once.
    /// Only its SHA-256, the department, the creation time and a short random id are stored.
    public func addToken(department: String) throws -> String {
        do { try Department.validate(department) } catch { throw StoreError.invalidIdentity(error.description) }
        var generator = SystemRandomNumberGenerator()
        let token = Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try write { db in
            var id: String
            repeat {
                id = Hex.encode((0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) })
            } while try Bool.fetchOne(db, sql: "SELECT 1 FROM ps_tokens WHERE id = ?", arguments: [id]) != nil
            try db.execute(sql: "INSERT INTO ps_tokens (id, hash, department, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [id, ServerLog.tokenHash(token), department, Int64(clamping: IdentityRecord.wallMilliseconds())])
        }
        return token
    }

    /// Every token, valid or revoked, oldest first.
    public func tokens() throws -> [TokenInfo] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, department, created_at, revoked_at FROM ps_tokens ORDER BY created_at, id")
            return try rows.map { row in
                TokenInfo(id: try row.decode(String.self, atIndex: 0), department: try row.decode(String.self, atIndex: 1),
                          createdAtMilliseconds: UInt64(max(0, try row.decode(Int64.self, atIndex: 2))),
                          revokedAtMilliseconds: try row.decode(Int64?.self, atIndex: 3).map { UInt64(max(0, $0)) })
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

    /// SHA-256 of the token's UTF-8, 64 lowercase hex digits.
    static func tokenHash(_ token: String) -> String { Hex.sha256(token) }
}
