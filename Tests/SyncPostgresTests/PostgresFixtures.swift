import Foundation
import Planning
import SyncModel
@testable import SyncPostgres

/// Ops and commits shared by the PostgreSQL tests, on the planning schema.
enum Fixtures {
    static let schema = PlanningSchema.schema
    static let wall: UInt64 = 1_700_000_100_000
    static let skew: UInt64 = 300_000

    /// Ops of `node` with seqs `from ..< from + count`, each setting a project's name.
    static func ops(_ node: String, from: UInt64 = 1, count: Int = 2, row: String = "p1", text: String = "x") -> [Op] {
        (0..<UInt64(count)).map { i in
            let seq = from + i
            return OpBuilder.set(collection: "projects", row: row, field: "name", value: .text("\(text)\(seq)"), current: nil,
                                 stamp: OpBuilder.Stamp(node: node, seq: seq, hlc: HLCTimestamp(raw: 1_700_000_000_000 << 16 | seq)))
        }
    }

    /// A commit as a value both backends can be compared on: the stamped ops or the refusal.
    enum Outcome: Equatable {
        case committed(appended: [Op], duplicates: Int, head: UInt64)
        case refused(Admission.Refusal.Code, index: Int)
    }

    static func outcome(_ log: some ServerLogStorage, _ ops: [Op], by node: String, department: String = "sales",
                        wall: UInt64 = Fixtures.wall) -> Result<Outcome, any Error> {
        Result {
            do {
                let commit = try log.commit(ops, pushedBy: node, department: department, schema: schema,
                                            wallMilliseconds: wall, maxSkewMilliseconds: skew)
                return .committed(appended: commit.appended, duplicates: commit.duplicates, head: commit.head)
            } catch let refusal as Admission.Refusal {
                return .refused(refusal.code, index: refusal.index)
            }
        }
    }

    /// Opens a log on `url`, runs `body`, and shuts the log down.
    static func withLog<T>(_ url: PostgresURL, _ body: (PostgresServerLog) throws -> T) throws -> T {
        let log = try PostgresServerLog(url: url)
        defer { log.shutdown() }
        return try body(log)
    }
}
