import Foundation
import Planning
import SyncModel
import SyncStore

/// A daemon file's history written straight into its `ServerLog` (no network): rows of
/// `projects` created by one node and renamed many times, so that most of the log is history a
/// compaction folds away. Keeps the model of every op it committed, to check the file against.
struct History {
    let log: ServerLog
    let node: String
    private(set) var seq: UInt64 = 0
    /// Every op committed, applied in order: the state the daemon must keep, compacted or not.
    private(set) var model = ReplicaState(schema: PlanningSchema.schema)
    /// The last name op of each row, replaced by the next rename.
    private var lastName: [String: Dot] = [:]

    init(log: ServerLog, node: String = "history-writer") {
        self.log = log
        self.node = node
    }

    private mutating func stamp() throws -> (UInt64, HLCTimestamp) {
        seq += 1
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        return (seq, try HLCTimestamp(milliseconds: now, counter: UInt16(truncatingIfNeeded: seq)))
    }

    /// Creates `rows` rows (`prefix-N`), then renames each `edits` times; commits in batches of 500.
    mutating func write(rows: Int, edits: Int, prefix: String) throws {
        var ops: [Op] = []
        for r in 0..<rows {
            let row = "\(prefix)-\(r)"
            var (s, hlc) = try stamp()
            ops.append(Op(collection: "projects", row: row, field: Op.deletedField, kind: .set, node: node, seq: s, hlc: hlc,
                          value: .bool(false), context: VersionVector()))
            for e in 0...edits {
                (s, hlc) = try stamp()
                ops.append(Op(collection: "projects", row: row, field: "name", kind: .set, node: node, seq: s, hlc: hlc,
                              value: .text("项目 \(row) 第 \(e) 版"), replaces: lastName[row].map { [$0] } ?? []))
                lastName[row] = Dot(node: node, seq: s)
            }
        }
        try commit(ops)
    }

    /// Commits `ops` (this node's, in seq order) in batches of 500 and applies them to the model.
    mutating func commit(_ ops: [Op]) throws {
        var start = 0
        while start < ops.count {
            let batch = Array(ops[start..<min(ops.count, start + 500)])
            let result = try log.commit(batch, pushedBy: batch[0].node, department: "planning", schema: PlanningSchema.schema,
                                        wallMilliseconds: UInt64(Date().timeIntervalSince1970 * 1000), maxSkewMilliseconds: 300_000)
            guard result.appended.count == batch.count else { throw Refused(accepted: result.appended.count, of: batch.count) }
            for op in batch { try model.apply(op) }
            start += 500
        }
    }

    /// A history batch the log did not take whole.
    struct Refused: Error {
        let accepted: Int
        let of: Int
    }

    /// Adds ops another replica had acknowledged to the model.
    mutating func observe(_ ops: [Op]) throws {
        for op in ops { try model.apply(op.content) }
    }
}
