import Logging
import NIOCore
import PostgresNIO
import SyncModel

extension PostgresServerLog {
    /// Admits and appends a push in one transaction (see the type's header): locks the head row,
    /// so commits from every daemon form one gapless order; reads the nodes' last seqs and the
    /// stored content of the pushed dots in two queries; decides with ``SyncModel/Admission``;
    /// inserts, moves the head and notifies `plansync_log`; returns after COMMIT succeeded.
    /// A push that races another daemon with the same ops waits for its commit and then counts
    /// them as duplicates. A refusal throws ``SyncModel/Admission/Refusal`` and changes nothing.
    public func commit(_ push: PendingPush, schema: Schema, wallMilliseconds: UInt64, maxSkewMilliseconds: UInt64) throws -> LogCommit {
        let (ops, node, department) = (push.ops, push.node, push.department)
        return try writer.transaction { connection in
            let locked = try connection.value("SELECT position FROM ps_head FOR UPDATE", as: Int64.self, logger: logger)
            guard let locked else { throw PostgresLogError.corrupt("ps_head has no row") }
            let index = try PostgresLogIndex.prefetched(for: ops, pushedBy: node, connection, logger: logger)
            let admitted = try Admission.admit(ops, pushedBy: node, sentThrough: push.sentThrough, schema: schema, log: index,
                                               wallMilliseconds: wallMilliseconds, maxSkewMilliseconds: maxSkewMilliseconds)
            var head = UInt64(max(0, locked))
            guard !admitted.accepted.isEmpty else { return LogCommit(appended: [], duplicates: admitted.duplicates, head: head) }
            var appended: [Op] = []
            appended.reserveCapacity(admitted.accepted.count)
            var positions: [Int64] = [], nodes: [String] = [], seqs: [Int64] = [], bodies: [ByteBuffer] = []
            for var op in admitted.accepted {
                head += 1
                op.department = department
                op.log = head
                positions.append(Int64(head))
                nodes.append(op.node)
                seqs.append(Int64(clamping: op.seq))
                bodies.append(try PostgresOpRow.json(op))
                appended.append(op)
            }
            let receivedAt = Int64(clamping: wallMilliseconds)
            try connection.run("""
                INSERT INTO ps_log (position, node, seq, department, op, received_at)
                SELECT p, n, s, \(department), o, \(receivedAt)
                FROM unnest(\(positions)::int8[], \(nodes)::text[], \(seqs)::int8[], \(bodies)::bytea[]) AS t(p, n, s, o)
                """, logger: logger)
            try PostgresLogIndex.write(admitted.counterTotals, connection, logger: logger)
            // One round trip: the notification is queued here and delivered at COMMIT, only if it commits.
            try connection.run("""
                UPDATE ps_head SET position = \(Int64(head)) RETURNING pg_notify(\(PostgresServerLog.channel), \(String(head)))
                """, logger: logger)
            return LogCommit(appended: appended, duplicates: admitted.duplicates, head: head)
        }
    }
}

/// ``SyncModel/OpLogIndex`` inside a commit's transaction: the answers Admission will ask for,
/// read up front in two or three queries; anything else (never, for Admission's questions) is read on demand.
struct PostgresLogIndex: OpLogIndex {
    let connection: PostgresConnection
    let logger: Logger
    /// Node → highest seq in the log, for the pusher and every node its ops name.
    var lastSeqs: [String: UInt64]
    /// The stored content of the pushed dots that are already in the log.
    var stored: [Dot: Op]
    /// The log totals of the counters the pushed `inc`s name.
    var totals: [CounterKey: Int64]

    /// Reads the last seq of every node `ops` are by or name, and the stored content of the
    /// pushed dots at or below the pusher's last seq.
    static func prefetched(for ops: [Op], pushedBy node: String, _ connection: PostgresConnection, logger: Logger) throws -> PostgresLogIndex {
        var named: Set<String> = [node]
        for op in ops {
            named.insert(op.node)
            for dot in op.replaces { named.insert(dot.node) }
            for dot in op.removes { named.insert(dot.node) }
        }
        // Admission refuses an op with a malformed node id before it asks about it; such a name
        // (a NUL byte, say) must not reach the server as a parameter and fail the whole query.
        named = named.filter(NodeID.isValid)
        var lastSeqs: [String: UInt64] = [:]
        let rows = try connection.run("""
            SELECT n, (SELECT max(seq) FROM ps_log WHERE node = n) FROM unnest(\(Array(named))::text[]) AS t(n)
            """, logger: logger)
        for row in rows {
            let (name, seq) = try PostgresOpRow.decode(row, as: (String, Int64?).self)
            lastSeqs[name] = UInt64(max(0, seq ?? 0))
        }
        let pusherLast = lastSeqs[node] ?? 0
        let repeated = ops.filter { $0.node == node && $0.seq <= pusherLast }.map { Int64(clamping: $0.seq) }
        var stored: [Dot: Op] = [:]
        if !repeated.isEmpty {
            let rows = try connection.run("SELECT op FROM ps_log WHERE node = \(node) AND seq = ANY(\(repeated)::int8[])", logger: logger)
            for row in rows {
                let op = try PostgresOpRow.op(try PostgresOpRow.decode(row, as: ByteBuffer.self))
                stored[op.dot] = op
            }
        }
        return PostgresLogIndex(connection: connection, logger: logger, lastSeqs: lastSeqs, stored: stored,
                                totals: try totals(of: ops, connection, logger: logger))
    }

    /// The log totals of the counters `ops` increment, in one query (none without an `inc`).
    static func totals(of ops: [Op], _ connection: PostgresConnection, logger: Logger) throws -> [CounterKey: Int64] {
        // A NUL cannot be a query parameter; Admission refuses such an op before it asks.
        let keys = Set(ops.compactMap(CounterKey.init)).filter { !"\($0.collection)\($0.row.string)\($0.field)".utf8.contains(0) }
        guard !keys.isEmpty else { return [:] }
        let ordered = Array(keys)
        var totals: [CounterKey: Int64] = [:]
        let rows = try connection.run("""
            SELECT k.i, t.total FROM unnest(\(ordered.map(\.collection))::text[], \(ordered.map(\.row.string))::text[],
                                           \(ordered.map(\.field))::text[]) WITH ORDINALITY AS k(c, r, f, i)
            JOIN ps_log_counters t ON t.collection = k.c AND t.row_id = k.r AND t.field = k.f
            """, logger: logger)
        for row in rows {
            let (i, total) = try PostgresOpRow.decode(row, as: (Int64, Int64).self)
            guard i >= 1, i <= ordered.count else { throw PostgresLogError.corrupt("counter total for key \(i) of \(ordered.count)") }
            totals[ordered[Int(i - 1)]] = total
        }
        for key in keys where totals[key] == nil { totals[key] = 0 }
        return totals
    }

    /// Stores an admitted push's counter totals (``SyncModel/Admission/Result/counterTotals``).
    static func write(_ totals: [CounterKey: Int64], _ connection: PostgresConnection, logger: Logger) throws {
        guard !totals.isEmpty else { return }
        let entries = Array(totals)
        try connection.run("""
            INSERT INTO ps_log_counters (collection, row_id, field, total)
            SELECT * FROM unnest(\(entries.map(\.key.collection))::text[], \(entries.map(\.key.row.string))::text[],
                                 \(entries.map(\.key.field))::text[], \(entries.map(\.value))::int8[])
            ON CONFLICT (collection, row_id, field) DO UPDATE SET total = EXCLUDED.total
            """, logger: logger)
    }

    func counterTotal(_ key: CounterKey) throws -> Int64 {
        if let total = totals[key] { return total }
        return try PostgresLogIndex.counterTotal(key, connection, logger: logger)
    }

    /// The log's total of `key`, 0 when it was never incremented.
    static func counterTotal(_ key: CounterKey, _ connection: PostgresConnection, logger: Logger) throws -> Int64 {
        try connection.value("""
            SELECT total FROM ps_log_counters WHERE collection = \(key.collection) AND row_id = \(key.row.string) AND field = \(key.field)
            """, as: Int64.self, logger: logger) ?? 0
    }

    func lastSeq(of node: String) throws -> UInt64 {
        if let seq = lastSeqs[node] { return seq }
        return try PostgresLogIndex.lastSeq(of: node, connection, logger: logger)
    }

    func storedOp(_ dot: Dot) throws -> Op? {
        if let op = stored[dot] { return op }
        if let last = lastSeqs[dot.node], dot.seq > last { return nil }
        return try PostgresLogIndex.storedOp(dot, connection, logger: logger)
    }

    /// The highest seq of `node` in the log, 0 if none.
    static func lastSeq(of node: String, _ connection: PostgresConnection, logger: Logger) throws -> UInt64 {
        UInt64(max(0, try connection.value("SELECT max(seq) FROM ps_log WHERE node = \(node)", as: Int64.self, logger: logger) ?? 0))
    }

    /// The content of `dot`, nil when it is not in the log.
    static func storedOp(_ dot: Dot, _ connection: PostgresConnection, logger: Logger) throws -> Op? {
        guard let json = try connection.value("SELECT op FROM ps_log WHERE node = \(dot.node) AND seq = \(Int64(clamping: dot.seq))",
                                              as: ByteBuffer.self, logger: logger) else { return nil }
        return try PostgresOpRow.op(json)
    }
}
