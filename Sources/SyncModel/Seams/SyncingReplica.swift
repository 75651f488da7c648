/// What the sync client needs from a local replica. The SQLite store (`SyncStore.ReplicaStore`)
/// conforms; tests may use an in-memory one. Every method is one transaction.
public protocol SyncingReplica: Sendable {
    /// Node, department, server and token of this replica.
    func identity() throws -> ReplicaIdentity
    /// Own ops not yet acknowledged by the server, in seq order, at most `limit`.
    func outbox(limit: Int) throws -> [Op]
    /// Own ops not yet acknowledged with seq > `seq`, in seq order, at most `limit`: what follows
    /// the pushes still waiting for their `ack`. The default reads ``outbox(limit:)`` and skips the
    /// ops up to `seq`; a store that can seek by seq should answer directly.
    func outbox(after seq: UInt64, limit: Int) throws -> [Op]
    /// ``outbox(after:limit:)`` as JSON text: what a push sends, and what the client reads. Each
    /// ``EncodedOp`` must be exactly one op object, the op with dot (this replica's node, `seq`),
    /// without a raw line break: the client acknowledges by `seq`, so a text holding another op
    /// would drop an op never sent. A store that cannot vouch for a text throws instead. The
    /// default encodes the ops ``outbox(after:limit:)`` returns; a store that keeps its outbox as
    /// ``OpJSON`` text checks and hands over that text without decoding it.
    func encodedOutbox(after seq: UInt64, limit: Int) throws -> [EncodedOp]
    /// How many own ops await acknowledgement.
    func outboxCount() throws -> Int
    /// Drops own ops with seq ≤ `seq` from the outbox: the server has them durably.
    func acknowledge(through seq: UInt64) throws
    /// The server log position applied so far (0 at first).
    func cursor() throws -> UInt64
    /// Applies ops in log order and moves the cursor to `cursor`, in one transaction; dots already
    /// applied (own ops coming back, repeats) are skipped.
    func applyRemote(_ ops: [Op], cursor: UInt64) throws
    /// ``applyRemote(_:cursor:)`` in a catch-up that is known to apply at least `following` more
    /// ops after these (the pull of a new replica, whose ``cursor()`` and ``lastOwnSeq()`` were 0
    /// when the sync began, up to the head its `welcome` named): a store that
    /// records recent ops may leave out what those later ops would push out of its record
    /// anyway. The default ignores the hint.
    func applyRemote(_ ops: [Op], cursor: UInt64, following: UInt64) throws
    /// HLC receive rule with the server's clock reading from `welcome.time`.
    /// Throws ``HLCError/clockSkew(remote:wallMilliseconds:allowedMilliseconds:)`` when it is far ahead.
    func observe(serverTime: HLCTimestamp) throws
    /// SHA-256 of the canonical state, 64 lowercase hex digits.
    func stateHash() throws -> String

    // Repairs (protocol/PROTOCOL.md §8). A replica that cannot do one says so by its default.

    /// The highest seq this replica has given an op, 0 before its first. Default 0.
    func lastOwnSeq() throws -> UInt64
    /// Own op `seq` exactly as it was pushed, nil when the replica no longer holds it. Default nil.
    func ownOp(seq: UInt64) throws -> EncodedOp?
    /// Puts own acknowledged ops `seq`… back in the outbox, ahead of the unsent ones, with their
    /// original dots and content (the daemon's log lost them); returns how many. Throws, changing
    /// nothing, when one is no longer held. Default 0: cannot.
    func requeueOwnOps(from seq: UInt64) throws -> Int
    /// Gives the unsent ops new HLC readings from the wall clock, with their dots and content, when
    /// that clock is within `maxSkewMilliseconds` of `serverTime`; returns how many (0: the clock
    /// is still off, or the replica cannot). Default 0.
    func restampOutbox(serverTime: HLCTimestamp, maxSkewMilliseconds: UInt64) throws -> Int
    /// Moves the cursor to `position`, also backwards (the daemon's log was restored from an
    /// older copy). The default throws: the replica cannot.
    func resetCursor(to position: UInt64) throws
    /// The last op received from the daemon's log (``CursorMark``), nil before the first or
    /// after ``resetCursor(to:)``. The default nil: the sync then does not check it.
    func cursorMark() throws -> CursorMark?
    /// The highest own seq this replica may have put on the wire, which every push states as its
    /// `sent_through` (protocol/PROTOCOL.md §3, push): the daemon refuses an op above it whose dot
    /// it compacted, since another replica made that one. nil when the replica keeps no such
    /// mark (its pushes then say nothing).
    func sentThrough() throws -> UInt64?
    /// Raises the mark of ``sentThrough()`` to `seq` (never lowers it), before ops up to `seq` are sent.
    func markSent(through seq: UInt64) throws
    /// Lowers the mark of ``sentThrough()`` to `seq` (never raises it) once a push stating `seq`
    /// was refused: the daemon stored none of its ops, nor any pushed behind it, so they stay
    /// never sent (a retry must not pass them for ops sent before).
    func unmarkSent(downTo seq: UInt64) throws
    /// The applied-dot high-water marks (node → highest seq applied, own unsent ops included),
    /// to check after reading the whole log that the daemon holds every op this replica holds.
    /// Default nil: not checked.
    func appliedMarks() throws -> VersionVector?
    /// Keeps the access rules of a `welcome` (the entries concerning this replica's department,
    /// with the daemon's rules version). Default: nothing kept.
    func adoptRules(_ rules: AccessRules.Wire) throws
    /// Begins building a replica from the daemon's snapshot at `horizon` with version vector
    /// `versionVector` beside this one, or resumes the one begun for the same snapshot (the
    /// daemon's log was compacted past this replica's cursor); `afresh` never resumes (a rebuild
    /// that discards unsent ops must not start from a file that carried them once). The default
    /// throws ``RepairUnsupported``.
    func bootstrap(horizon: UInt64, versionVector: VersionVector, afresh: Bool) throws -> any SnapshotBootstrap
}

/// A repair the replica does not offer (see ``SyncingReplica/resetCursor(to:)``).
public struct RepairUnsupported: Error, CustomStringConvertible {
    /// What was asked.
    public let what: String
    public var description: String { "this replica cannot \(what)" }
}

extension SyncingReplica {
    public func applyRemote(_ ops: [Op], cursor: UInt64, following: UInt64) throws { try applyRemote(ops, cursor: cursor) }
    public func lastOwnSeq() throws -> UInt64 { 0 }
    public func ownOp(seq: UInt64) throws -> EncodedOp? { nil }
    public func requeueOwnOps(from seq: UInt64) throws -> Int { 0 }
    public func restampOutbox(serverTime: HLCTimestamp, maxSkewMilliseconds: UInt64) throws -> Int { 0 }
    public func resetCursor(to position: UInt64) throws { throw RepairUnsupported(what: "move its cursor back") }
    public func cursorMark() throws -> CursorMark? { nil }
    public func sentThrough() throws -> UInt64? { nil }
    public func markSent(through seq: UInt64) throws {}
    public func unmarkSent(downTo seq: UInt64) throws {}
    public func appliedMarks() throws -> VersionVector? { nil }
    public func adoptRules(_ rules: AccessRules.Wire) throws {}
    public func bootstrap(horizon: UInt64, versionVector: VersionVector, afresh: Bool) throws -> any SnapshotBootstrap {
        throw RepairUnsupported(what: "bootstrap from a snapshot")
    }

    /// ``bootstrap(horizon:versionVector:afresh:)`` resuming a transfer begun before.
    public func bootstrap(horizon: UInt64, versionVector: VersionVector) throws -> any SnapshotBootstrap {
        try bootstrap(horizon: horizon, versionVector: versionVector, afresh: false)
    }
}

extension SyncingReplica {
    /// Reads ``outbox(limit:)`` far enough to skip the ops up to `seq`: the outbox holds
    /// consecutive seqs, so those are its first `seq - first + 1`.
    public func outbox(after seq: UInt64, limit: Int) throws -> [Op] {
        guard limit > 0, let first = try outbox(limit: 1).first else { return [] }
        let skip = seq >= first.seq ? Int(clamping: seq - first.seq + 1) : 0
        let (wanted, overflow) = skip.addingReportingOverflow(limit)
        return Array(try outbox(limit: overflow ? Int.max : wanted).lazy.filter { $0.seq > seq }.prefix(limit))
    }

    /// Encodes what ``outbox(after:limit:)`` returns.
    public func encodedOutbox(after seq: UInt64, limit: Int) throws -> [EncodedOp] {
        try outbox(after: seq, limit: limit).map { op throws in try EncodedOp(op) }
    }
}
