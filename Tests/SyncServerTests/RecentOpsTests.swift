import NIOCore
import SyncModel
import SyncProtocol
import Testing
@testable import SyncServer

/// The encoded window of the newest log: its pages are the bytes encoding the same ops gives,
/// cut by count and byte budget, and it answers only for positions it holds.
@Suite("Recent ops")
struct RecentOpsTests {
    /// `count` ops at positions `first…`, with values of varied length.
    static func ops(from first: UInt64, count: Int) -> [Op] {
        (0..<count).map { i in
            let position = first + UInt64(i)
            var op = Op(collection: "projects", row: "r\(position)", field: "name", kind: .set, node: "n", seq: position,
                        hlc: HLCTimestamp(raw: position), value: .text(String(repeating: "x", count: Int(position % 7) * 40)))
            op.department = "sales"
            op.log = position
            return op
        }
    }

    static func text(_ buffer: ByteBuffer) -> String { String(buffer: buffer) }

    @Test func pagesAreTheEncodedOpsCutByCountAndBytes() throws {
        let recent = RecentOps(budget: 1 << 30)
        var log: [Op] = []
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<30 {
            let commit = Self.ops(from: UInt64(log.count) + 1, count: Int.random(in: 1...9, using: &rng))
            recent.append(commit)
            log += commit
        }
        let head = UInt64(log.count)
        for since in 0...head {
            for limit in [1, 3, 10, 1_000] {
                for maxBytes in [1, 300, 700, 4 << 20] {
                    let page = try #require(recent.page(since: since, limit: limit, maxBytes: maxBytes))
                    let ops = Array(log[Int(since)..<(Int(since) + page.count)])
                    #expect(Self.text(page.json) == Self.text(try WireEncoder.encodedOps(ops)))
                    #expect(page.next == since + UInt64(page.count) && page.more == (page.next < head))
                    #expect(page.count <= limit && (page.count > 0 || since == head))
                    if page.count > 1 { #expect(page.json.readableBytes <= maxBytes) }
                    // As many as fit: the next op would pass the limit or the budget.
                    if page.count < limit, page.next < head {
                        let one = try WireEncoder.encodedOps([log[Int(page.next)]]).readableBytes - 2
                        #expect(page.json.readableBytes + one + 1 > maxBytes)
                    }
                }
            }
        }
    }

    @Test func itAnswersOnlyForThePositionsItHolds() throws {
        let recent = RecentOps(budget: 4_000)
        #expect(recent.page(since: 0, limit: 10, maxBytes: 1 << 20) == nil)   // empty
        for first in stride(from: 1, through: 91, by: 10) { recent.append(Self.ops(from: UInt64(first), count: 10)) }
        // Old commits were dropped to stay within the budget; the newest stay.
        #expect(recent.page(since: 0, limit: 10, maxBytes: 1 << 20) == nil)
        let newest = try #require(recent.page(since: 95, limit: 10, maxBytes: 1 << 20))
        #expect(newest.count == 5 && newest.next == 100 && !newest.more)
        let end = try #require(recent.page(since: 100, limit: 10, maxBytes: 1 << 20))
        #expect(end.count == 0 && end.next == 100 && !end.more && Self.text(end.json) == "[]")
        #expect(recent.page(since: 101, limit: 10, maxBytes: 1 << 20) == nil)
        // A commit that does not follow on (a restarted log) starts the window over.
        recent.append(Self.ops(from: 500, count: 3))
        #expect(recent.page(since: 95, limit: 10, maxBytes: 1 << 20) == nil)
        #expect(recent.page(since: 499, limit: 10, maxBytes: 1 << 20)?.count == 3)
    }

    @Test func aZeroBudgetKeepsNothing() {
        let recent = RecentOps(budget: 0)
        recent.append(Self.ops(from: 1, count: 5))
        #expect(recent.page(since: 0, limit: 10, maxBytes: 1 << 20) == nil)
    }
}
