/// A daemon token as listed by `plansyncd token list` (the token itself is never stored).
public struct TokenInfo: Hashable, Sendable {
    /// Short random id, for revoking.
    public let id: String
    /// The department stamped on every op pushed with the token.
    public let department: String
    /// Unix milliseconds.
    public let createdAtMilliseconds: UInt64
    /// Unix milliseconds, nil while the token is valid.
    public let revokedAtMilliseconds: UInt64?
    /// Unix milliseconds after which hellos with it are refused; nil: never expires.
    public var expiresAtMilliseconds: UInt64? = nil
    /// Unix milliseconds of its last accepted hello; nil: never used.
    public var lastUsedAtMilliseconds: UInt64? = nil

    /// A listed token; times in Unix milliseconds.
    public init(id: String, department: String, createdAtMilliseconds: UInt64, revokedAtMilliseconds: UInt64?,
                expiresAtMilliseconds: UInt64? = nil, lastUsedAtMilliseconds: UInt64? = nil) {
        self.id = id
        self.department = department
        self.createdAtMilliseconds = createdAtMilliseconds
        self.revokedAtMilliseconds = revokedAtMilliseconds
        self.expiresAtMilliseconds = expiresAtMilliseconds
        self.lastUsedAtMilliseconds = lastUsedAtMilliseconds
    }
}

/// What `plansyncd token add | list | revoke` needs from the daemon's storage, whichever backend
/// it is (the SQLite file, PostgreSQL). Only a token's SHA-256 is stored; the token is returned
/// once, by ``addToken(department:expiresInDays:)``.
public protocol TokenAdministration {
    /// Makes a token for `department` (64 lowercase hex digits, returned once), valid for
    /// `expiresInDays` days (1…36,500; nil: never). Throws for a bad department or day count.
    func addToken(department: String, expiresInDays: Int?) throws -> String
    /// Every token, valid, expired or revoked, oldest first.
    func tokens() throws -> [TokenInfo]
    /// Revokes the token with this id or unique id prefix (revoking twice changes nothing).
    /// Throws when no token or more than one matches.
    func revokeToken(_ idOrPrefix: String) throws
}
