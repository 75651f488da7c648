import Foundation
import GRDB
import SyncModel

/// The one row of `ps_identity`: who the replica is, its next seq and its clock. Read afresh in
/// every transaction, since another process (a `sync --watch`) may write the same file.
///
/// The clock is the newer of the row's `hlc` and the newest reading applied from any node
/// (`ps_applied.hlc`): that is the HLC receive rule (Kulkarni et al. 2014) with the wall-clock
/// part left to the next local reading, which takes the newer of the clock and the wall anyway.
/// So an applied batch advances the clock without writing this row, a page of its own that every
/// one-op batch of a watcher dirtied.
struct IdentityRecord {
    var node: String
    var department: String
    var server: String?
    var token: String?
    var tls: ServerTrust?
    var nextSeq: UInt64
    var hlc: HLCTimestamp

    var identity: ReplicaIdentity { ReplicaIdentity(node: node, department: department, server: server, token: token, tls: tls) }

    /// Read through SQLite's C API (``RawStatement``): every applied batch reads it, and a GRDB
    /// row fetch was an eighth of a one-op batch's cost. Throws ``StoreError/corrupt(_:)`` when
    /// the row is missing or its clock or seq is not valid. `clock` true makes `hlc` the clock
    /// (the newest applied reading folded in), for a transaction that takes readings or saves the
    /// clock; otherwise `hlc` is the row's own, and a damaged `ps_applied.hlc` does not stop
    /// reads that never use it.
    static func read(_ db: Database, clock: Bool = false) throws -> IdentityRecord {
        let statement = try RawStatement(db, "SELECT node, department, server, token, next_seq, hlc, tls FROM ps_identity WHERE id = 1")
        defer { statement.reset() }
        guard try statement.step() else { throw StoreError.corrupt("no identity row") }
        let nextSeq = statement.int64(4)
        guard var hlc = HLCTimestamp(parsing: statement.text(5)), nextSeq >= 1 else { throw StoreError.corrupt("identity clock or seq") }
        if clock, let applied = try newestApplied(db), applied > hlc { hlc = applied }
        return IdentityRecord(node: statement.text(0), department: statement.text(1),
                              server: statement.optionalText(2), token: statement.optionalText(3),
                              tls: statement.optionalText(6).flatMap(ServerTrust.init(stored:)),
                              nextSeq: UInt64(nextSeq), hlc: hlc)
    }

    /// The newest HLC reading of any op applied here (`ps_applied.hlc`), nil before any. Throws
    /// ``StoreError/corrupt(_:)`` naming the row when the greatest is not a reading.
    private static func newestApplied(_ db: Database) throws -> HLCTimestamp? {
        let statement = try RawStatement(db, "SELECT node, hlc FROM ps_applied WHERE hlc IS NOT NULL ORDER BY hlc DESC LIMIT 1")
        defer { statement.reset() }
        guard try statement.step(), let text = statement.optionalText(1) else { return nil }
        guard let hlc = HLCTimestamp(parsing: text) else {
            throw StoreError.corrupt("ps_applied holds the clock reading \(text) for node \(statement.text(0)), which is not 16 lowercase hex digits")
        }
        return hlc
    }

    static func insert(_ db: Database, _ identity: ReplicaIdentity, schemaVersion: Int, wallMilliseconds: UInt64) throws {
        try db.execute(sql: """
            INSERT INTO ps_identity (id, node, department, server, token, tls, next_seq, hlc, schema_version, created_at)
            VALUES (1, ?, ?, ?, ?, ?, 1, ?, ?, ?)
            """, arguments: [identity.node, identity.department, identity.server, identity.token, identity.tls?.stored,
                             HLCTimestamp.zero.description,
                             schemaVersion, Int64(clamping: wallMilliseconds)])
        try db.execute(sql: "INSERT INTO ps_cursor (id, position) VALUES (1, 0)")
    }

    /// Saves the seq counter and the clock.
    func saveClock(_ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE ps_identity SET next_seq = ?, hlc = ? WHERE id = 1")
            .execute(arguments: [Int64(nextSeq), hlc.description])
    }

    /// Unix milliseconds of the wall clock.
    static func wallMilliseconds() -> UInt64 {
        UInt64(max(0, (Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
