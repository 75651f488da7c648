import Foundation
import GRDB
import SyncModel

/// The daemon's file: its op log, its tokens, and a replica of its own (node `serverNode`,
/// department `server`) so that `ReplicaStore(opening:)` and `plansync status` work on it.
///
/// Commits use `synchronous=FULL`: an acknowledged push is on disk before ``commit(_:pushedBy:department:schema:wallMilliseconds:maxSkewMilliseconds:)`` returns.
public final class ServerLog: ServerLogStorage, Sendable {
    /// Creates the file or opens an existing one.
    public init(path: String, schema: Schema, serverNode: String = "plansyncd") throws {
        throw StoreError.notImplemented("ServerLog.init")
    }

    public func head() throws -> UInt64 {
        throw StoreError.notImplemented("head")
    }

    public func lastSeq(of node: String) throws -> UInt64 {
        throw StoreError.notImplemented("lastSeq")
    }

    public func storedOp(_ dot: Dot) throws -> Op? {
        throw StoreError.notImplemented("storedOp")
    }

    public func commit(_ ops: [Op], pushedBy node: String, department: String, schema: Schema,
                       wallMilliseconds: UInt64, maxSkewMilliseconds: UInt64) throws -> LogCommit {
        throw StoreError.notImplemented("commit")
    }

    public func ops(since: UInt64, limit: Int) throws -> [Op] {
        throw StoreError.notImplemented("ops")
    }

    public func department(forToken token: String) throws -> String? {
        throw StoreError.notImplemented("department")
    }

    public func materialize() throws {
        throw StoreError.notImplemented("materialize")
    }

    /// Makes a token for `department`: 32 random bytes as 64 hex digits, returned once; only its
    /// SHA-256 is stored.
    public func addToken(department: String) throws -> String {
        throw StoreError.notImplemented("addToken")
    }

    /// Every token, valid or revoked, oldest first.
    public func tokens() throws -> [TokenInfo] {
        throw StoreError.notImplemented("tokens")
    }

    /// Revokes the token with this id or unique id prefix.
    public func revokeToken(_ idOrPrefix: String) throws {
        throw StoreError.notImplemented("revokeToken")
    }
}
