import ArgumentParser
import Foundation
import Planning
import protocol SyncModel.TokenAdministration
import struct SyncModel.TokenInfo
import SyncPostgres
import SyncStore

/// `plansyncd token add | list | revoke`: the bearer tokens departments sync with.
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the tokens clients authenticate with (only their SHA-256 is stored).",
        subcommands: [Add.self, List.self, Revoke.self]
    )

    /// Opens the daemon's file or database, mapping failures to one-line user errors. Only
    /// `token add` may create a file: listing or revoking on a mistyped path must not leave a new
    /// empty file behind. A database is migrated on opening, as `serve` does.
    static func open(_ store: DataOption, creating: Bool = false) throws -> any TokenAdministration {
        switch try store.backend() {
        case .postgres(let url):
            do { return try PostgresServerLog(url: url, readConnections: 1) } catch { throw UserError("\(url): \(error)") }
        case .sqlite(let path):
            return try DataOption.file(at: path, creating: creating)
        }
    }

    /// `token add --department NAME [--expires DAYS]`: prints the new token as the last line.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token for a department; the token is the last line printed.")

        @Option(help: "The department whose ops this token's pushes are stamped with.")
        var department: String

        @Option(help: ArgumentHelp("Days until the token expires (default: never).", valueName: "days"))
        var expires: Int?

        @OptionGroup var store: DataOption

        func run() throws {
            let log = try Token.open(store, creating: true)
            let token: String
            let before = Set((try? log.tokens().map(\.id)) ?? [])
            do { token = try log.addToken(department: department, expiresInDays: expires) } catch { throw UserError("\(error)") }
            // The new token's id is the one that was not there before.
            let id = (try? log.tokens().first(where: { !before.contains($0.id) })?.id) ?? nil
            let until = expires.map { "; expires in \($0) day\($0 == 1 ? "" : "s")" } ?? ""
            print("token for department \(department)\(id.map { " (id \($0))" } ?? "")\(until); it is shown only this once:")
            print(token)
        }
    }

    /// `token list`: one token per line, never the token itself.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens: id, department, created, expires, last used, status.")

        @OptionGroup var store: DataOption

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let tokens: [TokenInfo]
            do { tokens = try Token.open(store).tokens() } catch let error as UserError { throw error } catch { throw UserError("\(error)") }
            if json {
                let rows = tokens.map { TokenRow($0) }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                print(String(decoding: (try? encoder.encode(rows)) ?? Data("[]".utf8), as: UTF8.self))
                return
            }
            if tokens.isEmpty {
                print("no tokens; make one with: plansyncd token add --department NAME")
                return
            }
            print(["id", "department", "created", "expires", "last used", "status"].joined(separator: "\t"))
            for token in tokens {
                let row = TokenRow(token)
                let status = row.revoked.map { "revoked \($0)" } ?? (row.expired ? "expired" : "valid")
                print([row.id, row.department, row.created, row.expires ?? "never", row.lastUsed ?? "never", status].joined(separator: "\t"))
            }
        }
    }

    /// `token revoke ID`: the token stops working for new connections.
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token by id (or unique id prefix); a running daemon closes its open connections within 2 s.")

        @Argument(help: "The token id shown by token list.")
        var id: String

        @OptionGroup var store: DataOption

        func run() throws {
            let log = try Token.open(store)
            do { try log.revokeToken(id) } catch { throw UserError("\(error)") }
            print("revoked token \(id)")
        }
    }
}

/// A token as `token list` prints it.
struct TokenRow: Encodable {
    let id: String
    let department: String
    let created: String
    let revoked: String?
    let expires: String?
    let lastUsed: String?
    let expired: Bool

    enum CodingKeys: String, CodingKey {
        case id, department, created, revoked, expires, expired
        case lastUsed = "last_used"
    }

    init(_ info: TokenInfo, now: Date = Date()) {
        id = info.id
        department = info.department
        created = TokenRow.iso(info.createdAtMilliseconds)
        revoked = info.revokedAtMilliseconds.map(TokenRow.iso)
        expires = info.expiresAtMilliseconds.map(TokenRow.iso)
        lastUsed = info.lastUsedAtMilliseconds.map(TokenRow.iso)
        expired = info.expiresAtMilliseconds.map { Double($0) <= now.timeIntervalSince1970 * 1000 } ?? false
    }

    static func iso(_ milliseconds: UInt64) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
