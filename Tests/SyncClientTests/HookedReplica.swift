import Foundation
import SyncModel

/// A `SyncingReplica` that forwards to `base`, and runs `beforeFirstOutboxRead` once, just before
/// the first read of the encoded outbox: a local write landing at that instant. It also notes the
/// catch-up hint (`following`) each applied batch came with, by the batch's cursor.
final class HookedReplica: SyncingReplica, @unchecked Sendable {
    let base: any SyncingReplica
    private let lock = NSLock()
    private var hook: (() throws -> Void)?
    private var notedHints: [UInt64: UInt64] = [:]

    init(_ base: any SyncingReplica, beforeFirstOutboxRead hook: @escaping () throws -> Void = {}) {
        self.base = base
        self.hook = hook
    }

    /// Cursor of each batch applied → the `following` it came with.
    var hints: [UInt64: UInt64] { lock.withLock { notedHints } }

    func applyRemote(_ ops: [Op], cursor: UInt64, following: UInt64) throws {
        lock.withLock { notedHints[cursor] = following }
        try base.applyRemote(ops, cursor: cursor, following: following)
    }

    func encodedOutbox(after seq: UInt64, limit: Int) throws -> [EncodedOp] {
        let hook = lock.withLock { () -> (() throws -> Void)? in
            defer { self.hook = nil }
            return self.hook
        }
        try hook?()
        return try base.encodedOutbox(after: seq, limit: limit)
    }

    func identity() throws -> ReplicaIdentity { try base.identity() }
    func outbox(limit: Int) throws -> [Op] { try base.outbox(limit: limit) }
    func outbox(after seq: UInt64, limit: Int) throws -> [Op] { try base.outbox(after: seq, limit: limit) }
    func outboxCount() throws -> Int { try base.outboxCount() }
    func acknowledge(through seq: UInt64) throws { try base.acknowledge(through: seq) }
    func cursor() throws -> UInt64 { try base.cursor() }
    func applyRemote(_ ops: [Op], cursor: UInt64) throws { try base.applyRemote(ops, cursor: cursor) }
    func observe(serverTime: HLCTimestamp) throws { try base.observe(serverTime: serverTime) }
    func stateHash() throws -> String { try base.stateHash() }
    func lastOwnSeq() throws -> UInt64 { try base.lastOwnSeq() }
    func ownOp(seq: UInt64) throws -> EncodedOp? { try base.ownOp(seq: seq) }
    func requeueOwnOps(from seq: UInt64) throws -> Int { try base.requeueOwnOps(from: seq) }
    func restampOutbox(serverTime: HLCTimestamp, maxSkewMilliseconds: UInt64) throws -> Int {
        try base.restampOutbox(serverTime: serverTime, maxSkewMilliseconds: maxSkewMilliseconds)
    }
    func resetCursor(to position: UInt64) throws { try base.resetCursor(to: position) }
    func appliedMarks() throws -> VersionVector? { try base.appliedMarks() }
    func adoptRules(_ rules: AccessRules.Wire) throws { try base.adoptRules(rules) }
    func bootstrap(horizon: UInt64, versionVector: VersionVector, afresh: Bool) throws -> any SnapshotBootstrap {
        try base.bootstrap(horizon: horizon, versionVector: versionVector, afresh: afresh)
    }
}
