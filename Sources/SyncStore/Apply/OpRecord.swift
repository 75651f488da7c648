import GRDB
import SyncModel

/// The record of recently applied ops behind `plansync log`: one `ps_op_record` entry per
/// transaction (a local write or a remote batch) holding its ops as wire JSON lines
/// (``SyncModel/OpJSON``, written straight into bytes), so that recording costs one insert per
/// batch rather than one per op; a long entry is stored deflated (``OpRecordText``). Ops are
/// numbered consecutively across entries (`first_position` …); the newest ``kept`` are kept, and
/// entries go whole once the record holds ``trimStep`` more.
struct OpRecord {
    /// How many recent ops the record keeps at least.
    static let kept: Int64 = 5_000
    /// How many ops beyond ``kept`` the record may hold before its oldest entries go, together.
    /// Trimmed in every transaction, a run of one-op transactions (a watcher applying live edits)
    /// deleted one entry each time, dirtying the record's first pages as well as its last.
    static let trimStep: Int64 = 1_000

    private var lines = JSONOutput()
    private var count: Int64 = 0

    mutating func append(_ op: Op) throws {
        if count > 0 { lines.byte(UInt8(ascii: "\n")) }
        do {
            try OpJSON.encode(op, into: &lines)
        } catch {
            throw StoreError.validation(ValidationError("op \(op.dot): \(error)"))
        }
        count += 1
    }

    /// Writes the entry (if any op was recorded); once the record holds more than ``kept`` +
    /// ``trimStep`` ops, drops the entries older than the newest ``kept``.
    mutating func flush(_ db: Database, origin: LoggedOp.Origin, wallMilliseconds: UInt64) throws {
        guard count > 0 else { return }
        let last = try RawStatement(db, "SELECT first_position + count FROM ps_op_record ORDER BY entry DESC LIMIT 1")
        let next = try last.step() ? last.int64(0) : 1
        last.reset()
        let insert = try RawStatement(db, "INSERT INTO ps_op_record (origin, first_position, count, applied_at, ops, ops_deflate) VALUES (?, ?, ?, ?, ?, ?)")
        try insert.bind(1, origin.rawValue)
        try insert.bind(2, next)
        try insert.bind(3, count)
        try insert.bind(4, Int64(clamping: wallMilliseconds))
        // The encoder wrote valid UTF-8: bound as it is, without a String in between.
        try OpRecordText.Stored(lines.bytes).bind(insert, at: 5)
        try insert.run()
        try OpRecord.trim(db, end: next + count)
        lines.bytes.removeAll(keepingCapacity: true)
        count = 0
    }

    /// Drops the entries that hold none of the newest ``kept`` ops once the record holds more than
    /// ``kept`` + ``trimStep`` ops; `end` is one past the newest op's position. Positions only
    /// grow with `entry`, so the entries to drop are the first ones by `entry`: both statements
    /// walk the table from its start, as far as the first entry kept.
    private static func trim(_ db: Database, end: Int64) throws {
        let oldest = try RawStatement(db, "SELECT first_position FROM ps_op_record ORDER BY entry LIMIT 1")
        let first = try oldest.step() ? oldest.int64(0) : end
        oldest.reset()
        guard end - first > kept + trimStep else { return }
        let trim = try RawStatement(db, """
            DELETE FROM ps_op_record WHERE entry < (SELECT entry FROM ps_op_record WHERE first_position + count > ? ORDER BY entry LIMIT 1)
            """)
        try trim.bind(1, end - kept)
        try trim.run()
    }

    /// The newest ops, newest first, at most `limit`.
    static func recent(_ db: Database, limit: Int) throws -> [LoggedOp] {
        var out: [LoggedOp] = []
        guard limit > 0 else { return out }
        let entries = try Row.fetchCursor(db.cachedStatement(sql: "SELECT origin, first_position, ops, ops_deflate FROM ps_op_record ORDER BY entry DESC"))
        while out.count < limit, let row = try entries.next() {
            let originText = try row.decode(String.self, atIndex: 0)
            guard let origin = LoggedOp.Origin(rawValue: originText) else { throw StoreError.corrupt("op record origin \(originText)") }
            let first = try row.decode(Int64.self, atIndex: 1)
            let ops = try OpRecordText.lines(row, at: 2).split(separator: "\n", omittingEmptySubsequences: false)
            for (i, line) in ops.enumerated().reversed() where out.count < limit {
                let op = try decode(line)
                out.append(LoggedOp(op: op, origin: origin, department: op.department, log: op.log, position: first + Int64(i)))
            }
        }
        return out
    }

    /// Rewrites recorded ops of `node` in place: `transform` returns the op to keep instead, nil to
    /// keep it as it is. For own ops whose HLC or dot changed before anyone saw them (restamp,
    /// rekey), so that the record never holds a text that differs from what was pushed. A damaged
    /// entry (``readableOps(_:)``) goes: it cannot be rewritten, and `plansync log` cannot show it.
    static func rewrite(_ db: Database, node: String, _ transform: (Op) throws -> Op?) throws {
        for entry in try candidates(db, containing: "\"node\":\"\(node)\",") {
            let id = try entry.decode(Int64.self, atIndex: 0)
            guard let ops = readableOps(entry) else {
                try delete(db, entry: id)
                continue
            }
            var out = JSONOutput()
            var changed = false
            for (i, (_, recorded)) in ops.enumerated() {
                if i > 0 { out.byte(UInt8(ascii: "\n")) }
                var op = recorded
                if op.node == node, let replaced = try transform(op) {
                    op = replaced
                    changed = true
                }
                do { try OpJSON.encode(op, into: &out) } catch {
                    throw StoreError.validation(ValidationError("op \(op.dot): \(error)"))
                }
            }
            guard changed else { continue }
            try OpRecordText.update(db, entry: id, lines: out.bytes)
        }
    }

    /// Removes the recorded ops of `collection` (one the replica may no longer read); an entry
    /// left with none goes, and so does a damaged one (it may hold them). Positions of the other
    /// ops are not renumbered.
    static func drop(_ db: Database, collection: String) throws {
        // A coarse filter; each line is checked exactly below.
        for entry in try candidates(db, containing: "\"collection\":\"\(collection)\"") {
            let id = try entry.decode(Int64.self, atIndex: 0)
            guard let ops = readableOps(entry) else {
                try delete(db, entry: id)
                continue
            }
            let kept = ops.filter { Array($0.op.collection.utf8) != Array(collection.utf8) }
            guard kept.count < ops.count else { continue }
            if kept.isEmpty {
                try delete(db, entry: id)
            } else {
                try OpRecordText.update(db, entry: id, lines: Array(kept.map(\.line).joined(separator: "\n").utf8))
            }
        }
    }

    /// The lines of a ``candidates(_:containing:)`` row with their ops, nil when the entry is
    /// damaged: its deflated text does not inflate, or a line is not an op. Paths that change or
    /// search the record pass over such an entry rather than fail (a damaged record would
    /// otherwise block `rekey`, the clock repair and a change of access rules); `plansync log`
    /// reports it.
    static func readableOps(_ entry: Row) -> [(line: Substring, op: Op)]? {
        guard let text = try? OpRecordText.lines(entry, at: 1) else { return nil }
        var ops: [(line: Substring, op: Op)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let op = try? decode(line) else { return nil }
            ops.append((line, op))
        }
        return ops
    }

    private static func delete(_ db: Database, entry: Int64) throws {
        try db.execute(sql: "DELETE FROM ps_op_record WHERE entry = ?", arguments: [entry])
    }

    /// The op with this dot among those appended and not yet flushed.
    func find(_ dot: Dot) -> Op? {
        OpRecord.find(dot, in: String(decoding: lines.bytes, as: UTF8.self))
    }

    /// The recorded op with this dot, nil when it is not (or no longer) in the record.
    static func find(_ db: Database, _ dot: Dot) throws -> Op? {
        // A coarse filter (`_` in a node id matches any character); lines are checked exactly below.
        for entry in try candidates(db, containing: "\"node\":\"\(dot.node)\",%\"seq\":\(dot.seq)") {
            // A damaged entry is passed over (readableOps(_:)).
            guard let text = try? OpRecordText.lines(entry, at: 1) else { continue }
            if let op = find(dot, in: text) { return op }
        }
        return nil
    }

    /// Members are in sorted key order: `node` comes before `seq`, which ends with `,` or `}`.
    private static func find(_ dot: Dot, in lines: String) -> Op? {
        let node = "\"node\":\"\(dot.node)\","
        let seq = "\"seq\":\(dot.seq)"
        for line in lines.split(separator: "\n") where line.contains(node) && (line.contains(seq + ",") || line.contains(seq + "}")) {
            if let op = try? decode(line), op.dot == dot { return op }
        }
        return nil
    }

    /// Rows `entry, ops, ops_deflate` of the entries whose text may contain `pattern` (a `LIKE`
    /// pattern without its outer `%`): the text ones that match, newest first, then every deflated
    /// one, newest first, which only its reader can search (so a lookup of an own op, usually in a
    /// short local entry, inflates nothing). A coarse filter: callers check each line.
    static func candidates(_ db: Database, containing pattern: String) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT entry, ops, ops_deflate FROM ps_op_record WHERE ops LIKE ? OR ops_deflate IS NOT NULL ORDER BY ops_deflate IS NOT NULL, entry DESC"),
                         arguments: ["%" + pattern + "%"])
    }

    private static func decode(_ line: Substring) throws -> Op {
        do {
            return try OpJSON.decode(String(line))
        } catch {
            throw StoreError.corrupt("stored op: \(error)")
        }
    }
}
