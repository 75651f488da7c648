import GRDB
import SyncModel

/// The rows of `ps_outbox`: own ops not yet acknowledged, keyed by seq, as wire JSON text without
/// `department` or `log` (the daemon stamps those).
enum OutboxRows {
    /// Queues `op` at its seq, written into `json` (a reused buffer).
    static func insert(_ db: Database, _ op: Op, json: inout JSONOutput, createdAt wall: UInt64) throws {
        json.bytes.removeAll(keepingCapacity: true)
        do {
            try OpJSON.encode(op, into: &json)
        } catch {
            throw StoreError.validation(ValidationError("op \(op.dot): \(error)"))
        }
        let insert = try RawStatement(db, "INSERT INTO ps_outbox (seq, op, created_at) VALUES (?, ?, ?)")
        try insert.bind(1, seq: op.seq)
        try json.bytes.withUnsafeBufferPointer { try insert.bind(2, utf8: $0) }
        try insert.bind(3, Int64(clamping: wall))
        try insert.run()
    }

    /// Every queued op, in seq order, with the time it was queued.
    static func all(_ db: Database) throws -> [(op: Op, createdAt: Int64)] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT seq, op, created_at FROM ps_outbox ORDER BY seq")).map { row in
            let seq = try row.decode(Int64.self, atIndex: 0)
            let op: Op
            do { op = try OpJSON.decode(try row.decode(String.self, atIndex: 1)) } catch {
                throw StoreError.corrupt("outbox row \(seq): \(error)")
            }
            guard op.seq == UInt64(max(0, seq)) else { throw StoreError.corrupt("outbox row \(seq) holds the op \(op.dot)") }
            return (op, try row.decode(Int64.self, atIndex: 2))
        }
    }

    /// The first queued seq, nil when the outbox is empty.
    static func firstSeq(_ db: Database) throws -> UInt64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT min(seq) FROM ps_outbox")).map { UInt64(max(0, $0)) }
    }
}
