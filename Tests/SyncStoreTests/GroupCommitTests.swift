import Foundation
@testable import SyncStore
import SyncModel
import Testing
import TestSupport

/// `ServerLog.commit(group:)` must answer and store exactly what committing the same pushes one by
/// one does (the seam's rule), though it makes them one transaction with a savepoint per push.
@Suite struct GroupCommitTests {
    let dir: TempDir

    init() throws { dir = try TempDir() }

    private func freshLog(_ name: String) throws -> ServerLog {
        try ServerLog(path: dir.path(name), schema: TestSchema.schema)
    }

    /// What a result shows a client: the ack's figures or the refusal's code.
    private enum Answer: Equatable {
        case committed(LogCommit)
        case refused(Admission.Refusal.Code)
        case failed(String)

        init(_ result: Result<LogCommit, any Error>) {
            switch result {
            case .success(let commit): self = .committed(commit)
            case .failure(let refusal as Admission.Refusal): self = .refused(refusal.code)
            case .failure(let error): self = .failed("\(error)")
            }
        }
    }

    private func oneByOne(_ group: [PendingPush], on log: ServerLog) -> [Answer] {
        group.map { push in
            Answer(Result {
                try log.commit(push.ops, pushedBy: push.node, department: push.department, schema: TestSchema.schema,
                               wallMilliseconds: ServerLogTests.wall, maxSkewMilliseconds: ServerLogTests.skew)
            })
        }
    }

    private func grouped(_ group: [PendingPush], on log: ServerLog) -> [Answer] {
        log.commit(group: group, schema: TestSchema.schema, wallMilliseconds: ServerLogTests.wall,
                   maxSkewMilliseconds: ServerLogTests.skew).map(Answer.init)
    }

    @Test func aRefusedPushInTheMiddleChangesNothingAndTheOthersCommit() throws {
        defer { dir.cleanup() }
        let log = try freshLog("group.sqlite")
        var conflicting = ServerLogTests.ops("a")[1]
        conflicting.value = .text("not what was pushed")
        let group = [
            PendingPush(ops: ServerLogTests.ops("a"), node: "a", department: "sales"),
            PendingPush(ops: ServerLogTests.ops("b", from: 3), node: "b", department: "rnd"),           // seq gap
            PendingPush(ops: ServerLogTests.ops("a", from: 3, row: "p2"), node: "a", department: "sales"),
            PendingPush(ops: [conflicting], node: "a", department: "sales"),                           // same dot, other content
            PendingPush(ops: ServerLogTests.ops("a"), node: "a", department: "sales"),                  // duplicates
        ]
        let answers = grouped(group, on: log)
        guard case .committed(let first) = answers[0], case .committed(let third) = answers[2],
              case .committed(let fifth) = answers[4] else {
            Issue.record("unexpected answers \(answers)")
            return
        }
        #expect(first.appended.map(\.log) == [1, 2] && third.appended.map(\.log) == [3, 4])
        #expect(answers[1] == .refused(.seqGap) && answers[3] == .refused(.duplicateDot))
        #expect(fifth.duplicates == 2 && fifth.appended.isEmpty && fifth.head == 4)
        #expect(try log.ops(since: 0, limit: 100).map(\.log) == [1, 2, 3, 4])
        #expect(try log.lastSeq(of: "b") == 0)
    }

    @Test(arguments: 0..<12)
    func randomGroupsAnswerAndStoreWhatOneByOneCommitsDo(seed: UInt64) throws {
        defer { dir.cleanup() }
        var random = SplitMix64(seed: seed)
        let grouped = try freshLog("group.sqlite"), single = try freshLog("single.sqlite")
        let nodes = ["a", "b", "c"]
        var next = ["a": UInt64(1), "b": 1, "c": 1]
        for round in 0..<6 {
            var group: [PendingPush] = []
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let node = nodes.randomElement(using: &random)!
                var from = next[node]!
                switch Int.random(in: 0..<10, using: &random) {
                case 0: from += 2                                        // a gap: refused
                case 1: from = from > 2 ? from - 2 : 1                   // a resend: duplicates
                default: break
                }
                let ops = ServerLogTests.ops(node, from: from, row: "\(node)-\(round)-\(from)")
                group.append(PendingPush(ops: ops, node: node, department: "sales"))
                if from == next[node]! { next[node]! += 2 }
            }
            #expect(self.grouped(group, on: grouped) == oneByOne(group, on: single), "seed \(seed), round \(round)")
        }
        #expect(try grouped.ops(since: 0, limit: 10_000) == single.ops(since: 0, limit: 10_000))
    }
}
