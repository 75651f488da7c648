import Foundation
import SyncModel

/// Generates the benchmark's planning data as remote ops, the way a daemon would deliver them:
/// `projects` rows of ten ops each (create, seven register writes, one counter increment, one set add),
/// made by one remote node, stamped with a department and consecutive log positions.
struct Workload {
    /// Register fields written per project, with a value maker; with `_deleted`, the `inc` and the `add` that is 10 ops.
    static let registerFields: [(name: String, value: @Sendable (Int) -> Value)] = [
        ("name", { .text("2027 推广项目 #\($0)") }),
        ("description", { .text("华东市场第 \($0) 号推广活动：渠道、预算与时间表") }),
        ("status", { _ in .text("planning") }),
        ("start", { _ in .text("2027-03-01") }),
        ("end", { _ in .text("2027-04-30") }),
        ("budget_planned", { .integer(Int64(80_000_000 + $0)) }),
        ("risk_level", { _ in .text("medium") }),
    ]
    static let opsPerRow = registerFields.count + 3

    let node: String
    let department: String
    private(set) var seq: UInt64 = 0
    private(set) var log: UInt64
    private var hlc: UInt64
    /// Unix milliseconds when project 0 was made.
    private let createdAt: UInt64

    init(node: String = "bench-remote", department: String = "marketing", firstLog: UInt64 = 0) {
        self.node = node
        self.department = department
        self.log = firstLog
        createdAt = UInt64(Date().timeIntervalSince1970 * 1000)
        hlc = createdAt << 16
    }

    /// The ten ops that create and fill project `index`. Its row id is made as `plansync put`
    /// makes one (``SyncModel/RowID``, a UUID version 7), as if the projects were made one
    /// millisecond apart.
    mutating func project(_ index: Int) -> [Op] {
        let id = RowID.make(unixMilliseconds: createdAt + UInt64(index))
        var ops: [Op] = []
        ops.reserveCapacity(Workload.opsPerRow)
        ops.append(stamp(Op(collection: "projects", row: id, field: Op.deletedField, kind: .set, node: node, seq: 0, hlc: .zero,
                            value: .bool(false), replaces: [], context: VersionVector())))
        for (name, value) in Workload.registerFields {
            ops.append(stamp(Op(collection: "projects", row: id, field: name, kind: .set, node: node, seq: 0, hlc: .zero, value: value(index))))
        }
        ops.append(stamp(Op(collection: "projects", row: id, field: "budget_spent", kind: .inc, node: node, seq: 0, hlc: .zero, delta: 1_200_000)))
        ops.append(stamp(Op(collection: "projects", row: id, field: "channels", kind: .add, node: node, seq: 0, hlc: .zero, element: "社交媒体")))
        return ops
    }

    /// Projects `0..<rows`, as one flat op stream.
    mutating func projects(_ rows: Int) -> [Op] {
        var ops: [Op] = []
        ops.reserveCapacity(rows * Workload.opsPerRow)
        for i in 0..<rows { ops += project(i) }
        return ops
    }

    private mutating func stamp(_ op: Op) -> Op {
        var op = op
        seq += 1
        log += 1
        hlc += 1
        op.seq = seq
        op.hlc = HLCTimestamp(raw: hlc)
        op.department = department
        op.log = log
        return op
    }
}
