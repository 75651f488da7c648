import Foundation
import GRDB
import SyncModel

/// One local write transaction: stamps ops with this node's next seqs and HLC readings, applies
/// them through the same ``OpApplier`` as remote ops, queues them in the outbox, and saves the
/// seq counter and clock.
struct LocalWrite {
    let db: Database
    private(set) var identity: IdentityRecord
    private var clock: HybridLogicalClock
    private var applier: OpApplier
    private let schema: Schema
    private let wall: UInt64
    private var json = JSONOutput()
    /// The rules of the last `welcome`: a write they forbid never enters the outbox.
    private let rules: AccessRules

    /// `notifiesObservers`: as for ``OpApplier``.
    init(db: Database, layout: TableLayout, wallMilliseconds: UInt64, notifiesObservers: Bool = true) throws {
        self.db = db
        identity = try IdentityRecord.read(db, clock: true)
        clock = HybridLogicalClock(last: identity.hlc)
        wall = wallMilliseconds
        schema = layout.schema
        rules = try AccessRulesRecord.read(db)
        applier = try OpApplier(db: db, layout: layout, ownNode: identity.node, ownDepartment: identity.department, origin: .local, wallMilliseconds: wall,
                                 notifiesObservers: notifiesObservers)
    }

    /// The next dot and a fresh HLC reading.
    mutating func stamp() throws -> OpBuilder.Stamp {
        let hlc = try clock.now(wallMilliseconds: wall)
        defer { identity.nextSeq += 1 }
        return OpBuilder.Stamp(node: identity.node, seq: identity.nextSeq, hlc: hlc)
    }

    /// Applies a local op, updates `row` (the caller's view of the row) and queues the op. Every
    /// local op passes here, so the rules for new ops (``SyncModel/Schema/validateNew(_:)``: no
    /// NUL in any text) hold for each of them, a conflict's new value included.
    mutating func commit(_ op: Op, family: CRDTFamily, row: inout RowState) throws {
        do { try schema.validateNew(op) } catch { throw StoreError.validation(error) }
        if let rule = rules.writeDenial(identity.department, op.collection, op.field) {
            // The version stored with them is the daemon's whole rules', which `plansync rules`
            // and the daemon name; the department's subset kept here hashes to another.
            let version = try AccessRulesRecord.version(db) ?? rules.version
            throw StoreError.forbidden("department \(identity.department) may not write \(op.collection).\(op.field) (rule \(rule), rules version \(version))")
        }
        try applier.apply(op)
        row.apply(op, family: family)
        try OutboxRows.insert(db, op, json: &json, createdAt: wall)
    }

    mutating func finish() throws {
        identity.hlc = clock.last
        try identity.saveClock(db)
        try applier.finish()
    }
}
