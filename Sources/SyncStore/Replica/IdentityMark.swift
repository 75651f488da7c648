import GRDB

/// A seq mark in a column of `ps_identity` that only grows, until a rekey (a new node) starts
/// it over or a bootstrap carries it to the new file: ``AcknowledgedSeq`` and ``SentSeq``.
struct IdentityMark {
    /// The column, a literal of this module's.
    let column: String

    func read(_ db: Database) throws -> UInt64 {
        UInt64(max(0, try Int64.fetchOne(db.cachedStatement(sql: "SELECT \(column) FROM ps_identity WHERE id = 1")) ?? 0))
    }

    /// Raises the mark to `seq` (never lowers it).
    func raise(_ db: Database, to seq: UInt64) throws {
        try db.cachedStatement(sql: "UPDATE ps_identity SET \(column) = max(\(column), ?) WHERE id = 1")
            .execute(arguments: [Int64(clamping: seq)])
    }

    /// Lowers the mark to `seq` (never raises it).
    func lower(_ db: Database, to seq: UInt64) throws {
        try db.cachedStatement(sql: "UPDATE ps_identity SET \(column) = min(\(column), ?) WHERE id = 1")
            .execute(arguments: [Int64(clamping: seq)])
    }

    /// Sets the mark to `seq`.
    func set(_ db: Database, to seq: UInt64) throws {
        try db.cachedStatement(sql: "UPDATE ps_identity SET \(column) = ? WHERE id = 1").execute(arguments: [Int64(clamping: seq)])
    }
}
