import Crypto
import Foundation
import SyncModel

/// An in-memory ``ServerLogStorage``: the server log of ``MemoryOpLog`` behind a lock, with a token
/// table that keeps only SHA-256 hashes. For tests, demos and benchmarks; nothing survives the process.
/// It is also a ``SyncModel/SharedLogStorage``: one instance handed to two daemons is one database
/// behind two daemons, and every commit that appends ops wakes every watcher, the committing
/// daemon's own included (a spurious wake, which the seam allows and costs that daemon one read).
///
/// ```swift
/// let log = MemoryServerLog()
/// let token = log.addToken(department: "sales")       // random, 64 hex digits
/// let daemon = SyncDaemon(storage: log, configuration: .init(schema: PlanningSchema.schema, port: 0))
/// ```
public final class MemoryServerLog: SharedLogStorage, @unchecked Sendable {
    private let lock = NSLock()
    private var log = MemoryOpLog()
    /// SHA-256 hex of a token → department.
    private var tokens: [String: String] = [:]
    /// Hashes of revoked tokens, so a refusal can say "revoked" rather than "unknown".
    private var revoked: Set<String> = []
    /// Held while wakes are called, so that a cancelled watch is not called after `cancel()`.
    private let watchLock = NSLock()
    /// Watch id → wake; touched under `watchLock`.
    private var watchers: [UInt64: @Sendable () -> Void] = [:]
    private var nextWatch: UInt64 = 0

    public init() {}

    /// Makes a random token for `department` and returns it; only its hash is kept.
    public func addToken(department: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let token = (0..<4).map { _ in Hex.text(generator.next() as UInt64) }.joined()
        addToken(token, department: department)
        return token
    }

    /// Binds a chosen token to `department` (fixed tokens make transcripts readable).
    public func addToken(_ token: String, department: String) {
        let hash = MemoryServerLog.hash(token)
        lock.withLock { tokens[hash] = department }
    }

    /// Makes `token` unknown from now on.
    public func revokeToken(_ token: String) {
        let hash = MemoryServerLog.hash(token)
        lock.withLock {
            if tokens.removeValue(forKey: hash) != nil { revoked.insert(hash) }
        }
    }

    /// Valid, revoked or unknown (an in-memory token never expires; its use is not recorded).
    public func checkToken(_ token: String, nowMilliseconds: UInt64, recordUse: Bool) -> TokenCheck {
        let hash = MemoryServerLog.hash(token)
        return lock.withLock {
            if let department = tokens[hash] { return .valid(department: department) }
            return revoked.contains(hash) ? .revoked : .unknown
        }
    }

    /// SHA-256 of the token's UTF-8 bytes, 64 lowercase hex digits.
    static func hash(_ token: String) -> String {
        Hex.text(bytes: SHA256.hash(data: Data(token.utf8)))
    }

    // MARK: ServerLogStorage

    public func lastSeq(of node: String) -> UInt64 { lock.withLock { log.lastSeq(of: node) } }

    public func storedOp(_ dot: Dot) -> Op? { lock.withLock { log.storedOp(dot) } }

    public func counterTotal(_ key: CounterKey) -> Int64 { lock.withLock { log.counterTotal(key) } }

    public func head() -> UInt64 { lock.withLock { log.head } }

    public func commit(_ push: PendingPush, schema: Schema, wallMilliseconds: UInt64, maxSkewMilliseconds: UInt64) throws -> LogCommit {
        let commit = try lock.withLock {
            let result = try Admission.admit(push.ops, pushedBy: push.node, sentThrough: push.sentThrough, schema: schema, log: log,
                                             wallMilliseconds: wallMilliseconds, maxSkewMilliseconds: maxSkewMilliseconds)
            let appended = log.append(result.accepted, department: push.department)
            return LogCommit(appended: appended, duplicates: result.duplicates, head: log.head)
        }
        // After the lock: a woken daemon reads ops that are already there.
        if !commit.appended.isEmpty { watchLock.withLock { for wake in watchers.values { wake() } } }
        return commit
    }

    // MARK: SharedLogStorage

    /// Calls `wake` after every later commit that appends ops, on the committing thread, until
    /// the returned watch is cancelled. `wake` must not cancel a watch (it runs under a lock); the
    /// daemon's only queues a read. Never throws.
    public func watchCommits(_ wake: @escaping @Sendable () -> Void) -> any CommitWatch {
        let id = watchLock.withLock {
            nextWatch += 1
            watchers[nextWatch] = wake
            return nextWatch
        }
        return MemoryCommitWatch { [weak self] in
            guard let self else { return }
            _ = watchLock.withLock { watchers.removeValue(forKey: id) }
        }
    }

    /// Throws ``SyncModel/SnapshotRequired`` when `since` is below the horizon.
    public func ops(since: UInt64, limit: Int) throws -> [Op] {
        try lock.withLock {
            if since < log.horizon { throw SnapshotRequired(horizon: log.horizon) }
            return log.ops(since: since, limit: limit)
        }
    }

    public func foldedSeq(of node: String) -> UInt64 { lock.withLock { log.foldedSeq(of: node) } }

    public func horizon() -> UInt64 { lock.withLock { log.horizon } }

    public func snapshotPage(horizon: UInt64?, after: SnapshotKey?, limit: Int, maxBytes: Int,
                             readable: (String) -> Bool) throws -> SnapshotPage {
        try lock.withLock {
            if let horizon, horizon != log.horizon { throw SnapshotRequired(horizon: log.horizon) }
            guard let snapshot = log.snapshot else {
                return SnapshotPage(horizon: 0, versionVector: VersionVector(), records: [], next: after, more: false)
            }
            return try SnapshotPage.of(snapshot, after: after, limit: limit, maxBytes: maxBytes, readable: readable)
        }
    }

    /// Folds the ops through `horizon` into the snapshot (``SyncModel/MemoryOpLog/compact(through:schema:)``).
    public func compact(through horizon: UInt64, schema: Schema) throws {
        try lock.withLock { try log.compact(through: horizon, schema: schema) }
    }

    public func department(forToken token: String) -> String? {
        let hash = MemoryServerLog.hash(token)
        return lock.withLock { tokens[hash] }
    }
}

/// A watch on a ``MemoryServerLog``; ``cancel()`` removes its wake.
private struct MemoryCommitWatch: CommitWatch {
    let remove: @Sendable () -> Void

    func cancel() { remove() }
}
