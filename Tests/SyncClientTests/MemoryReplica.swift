import Foundation
import SyncModel

/// An in-memory `SyncingReplica` for tests: `ReplicaState` plus an outbox and a cursor, behind a
/// lock. Local writes go through `OpBuilder`, exactly as the SQLite store builds them.
final class MemoryReplica: SyncingReplica, @unchecked Sendable {
    private let lock = NSLock()
    private var state: ReplicaState
    private var clock = HybridLogicalClock()
    private var ident: ReplicaIdentity
    private var pending: [Op] = []
    private var lastSeq: UInt64 = 0
    private var position: UInt64 = 0
    /// How many `applyRemote` batches have been applied, for tests that wait on live changes.
    private(set) var appliedBatches = 0
    /// How many ops `applyRemote` was handed in all.
    private(set) var handedOps = 0
    /// When set, `applyRemote` first waits until the gate is signalled (or 50 s pass, so a
    /// starved test cannot hang), then leaves it open: a stalled disk, for tests of a watcher
    /// that falls behind.
    var applyGate: DispatchSemaphore? {
        get { locked { gate } }
        set { locked { gate = newValue } }
    }
    private var gate: DispatchSemaphore?

    init(node: String, department: String, server: String?, token: String?, schema: Schema) {
        state = ReplicaState(schema: schema)
        ident = ReplicaIdentity(node: node, department: department, server: server, token: token)
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func stamp() throws -> OpBuilder.Stamp {
        lastSeq += 1
        let wall = UInt64(Date().timeIntervalSince1970 * 1000)
        return OpBuilder.Stamp(node: ident.node, seq: lastSeq, hlc: try clock.now(wallMilliseconds: wall))
    }

    private func local(_ op: Op) throws {
        try state.apply(op)
        pending.append(op)
    }

    // MARK: local writes

    /// Creates a row (`_deleted` = false first, then the fields) and returns its id.
    @discardableResult
    func create(_ collection: String, _ fields: [String: Value], id: String = UUID().uuidString.lowercased()) throws -> String {
        try locked {
            try local(OpBuilder.set(collection: collection, row: id, field: Op.deletedField, value: .bool(false),
                                    current: state.row(collection, id), stamp: try stamp()))
            for (field, value) in fields.sorted(by: { $0.key < $1.key }) {
                try local(OpBuilder.set(collection: collection, row: id, field: field, value: value,
                                        current: state.row(collection, id), stamp: try stamp()))
            }
        }
        return id
    }

    func set(_ collection: String, _ id: String, _ field: String, _ value: Value) throws {
        try locked {
            try local(OpBuilder.set(collection: collection, row: id, field: field, value: value,
                                    current: state.row(collection, id), stamp: try stamp()))
        }
    }

    func inc(_ collection: String, _ id: String, _ field: String, by delta: Int64) throws {
        try locked { try local(OpBuilder.inc(collection: collection, row: id, field: field, delta: delta, stamp: try stamp())) }
    }

    func add(_ collection: String, _ id: String, _ field: String, _ element: String) throws {
        try locked { try local(OpBuilder.add(collection: collection, row: id, field: field, element: element, stamp: try stamp())) }
    }

    // MARK: reads

    func row(_ collection: String, _ id: String) -> RowState? { locked { state.row(collection, id) } }
    func canonicalForm() -> String { locked { state.canonicalForm() } }
    func openConflicts() -> [Conflict] { locked { state.openConflicts() } }

    // MARK: SyncingReplica

    func identity() throws -> ReplicaIdentity { locked { ident } }
    func outbox(limit: Int) throws -> [Op] { locked { Array(pending.prefix(max(0, limit))) } }
    func outboxCount() throws -> Int { locked { pending.count } }
    func acknowledge(through seq: UInt64) throws { locked { pending.removeAll { $0.seq <= seq } } }
    func cursor() throws -> UInt64 { locked { position } }
    func resetCursor(to position: UInt64) throws { locked { self.position = position } }
    func appliedMarks() throws -> VersionVector? { locked { state.applied } }

    func applyRemote(_ ops: [Op], cursor: UInt64) throws {
        if let gate = applyGate {
            _ = gate.wait(timeout: .now() + 50)
            gate.signal()
        }
        try locked {
            // One transaction: apply to a copy, commit only when every op went in.
            var next = state
            for op in ops { try next.apply(op) }
            state = next
            position = cursor
            appliedBatches += 1
            handedOps += ops.count
        }
    }

    func observe(serverTime: HLCTimestamp) throws {
        try locked {
            let wall = UInt64(Date().timeIntervalSince1970 * 1000)
            try clock.receive(serverTime, wallMilliseconds: wall)
        }
    }

    /// The canonical form itself: SyncModel has no SHA-256, and equal forms mean equal hashes.
    func stateHash() throws -> String { canonicalForm() }
}
