import Foundation
import SyncModel
@testable import SyncPostgres
import PostgresTestSupport
import Testing

/// Tokens on PostgreSQL keep the SQLite file's semantics: only the hash stored, expiry,
/// revocation by id prefix, last use recorded at most once a minute.
@Suite(.serialized, .enabled(if: PostgresTestServer.enabled, Comment(rawValue: PostgresTestServer.skipReason)))
struct PostgresTokenTests {
    @Test func addCheckExpireRevoke() throws {
        try PostgresTestServer.withDatabase { url in
            try Fixtures.withLog(url) { log in
                let token = try log.addToken(department: "sales", expiresInDays: nil)
                #expect(token.count == 64 && token.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) })
                let now = UInt64(Date().timeIntervalSince1970 * 1000)
                #expect(try log.checkToken(token, nowMilliseconds: now, recordUse: false) == .valid(department: "sales"))
                #expect(try log.department(forToken: token) == "sales")
                #expect(try log.checkToken(token + "0", nowMilliseconds: now, recordUse: false) == .unknown)
                #expect(try log.tokens().first?.lastUsedAtMilliseconds == nil)
                _ = try log.checkToken(token, nowMilliseconds: now, recordUse: true)
                _ = try log.checkToken(token, nowMilliseconds: now + 30_000, recordUse: true)
                #expect(try log.tokens().first?.lastUsedAtMilliseconds == now)
                _ = try log.checkToken(token, nowMilliseconds: now + 60_000, recordUse: true)
                #expect(try log.tokens().first?.lastUsedAtMilliseconds == now + 60_000)

                // Only the hash is in the table.
                let stored = try log.read { connection in
                    try connection.run("SELECT id || hash || department FROM ps_tokens", logger: PostgresTestServer.logger)
                        .map { try $0.decode(String.self) }
                }
                #expect(stored.count == 1 && !stored[0].contains(token) && stored[0].contains(PostgresServerLog.tokenHash(token)))

                let expiring = try log.addToken(department: "finance", expiresInDays: 2)
                #expect(try log.checkToken(expiring, nowMilliseconds: now, recordUse: false) == .valid(department: "finance"))
                let expires = try #require(try log.tokens().first { $0.department == "finance" }?.expiresAtMilliseconds)
                #expect(expires > now + 86_400_000 && expires <= now + 2 * 86_400_000 + 60_000)
                #expect(try log.checkToken(expiring, nowMilliseconds: expires, recordUse: false) == .expired(atMilliseconds: expires))

                #expect(throws: PostgresLogError.invalidArgument("--expires 0: expected 1 to 36500 days")) {
                    _ = try log.addToken(department: "sales", expiresInDays: 0)
                }
                #expect(throws: PostgresLogError.self) { _ = try log.addToken(department: "", expiresInDays: nil) }
                #expect(try log.tokens().count == 2)

                let info = try #require(try log.tokens().first { $0.department == "sales" })
                #expect(throws: PostgresLogError.noSuchToken("zzzz")) { try log.revokeToken("zzzz") }
                #expect(throws: PostgresLogError.noSuchToken("")) { try log.revokeToken("") }
                try log.revokeToken(String(info.id.prefix(5)).uppercased())
                try log.revokeToken(info.id)   // twice changes nothing
                #expect(try log.checkToken(token, nowMilliseconds: now, recordUse: false) == .revoked)
                #expect(try log.department(forToken: token) == nil)
                let revoked = try #require(try log.tokens().first { $0.id == info.id }?.revokedAtMilliseconds)
                #expect(revoked >= now)
                #expect(try log.checkToken(expiring, nowMilliseconds: now, recordUse: false) == .valid(department: "finance"))
            }
        }
    }
}
