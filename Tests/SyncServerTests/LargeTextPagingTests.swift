import Foundation
import Planning
import SyncModel
import SyncProtocol
import SyncStore
import Testing
@testable import SyncServer

/// A log that counts the ops storage hands out, to tell what a page cost.
final class CountingLog: ForwardingLog, @unchecked Sendable {
    let inner: MemoryServerLog
    private let lock = NSLock()
    private var read = 0

    init(inner: MemoryServerLog) { self.inner = inner }

    /// Ops read from storage so far.
    var opsRead: Int { lock.withLock { read } }
    func resetCount() { lock.withLock { read = 0 } }

    func ops(since: UInt64, limit: Int) throws -> [Op] {
        let ops = try inner.ops(since: since, limit: limit)
        lock.withLock { read += ops.count }
        return ops
    }
}

/// Texts of 65,000 characters that JSON-escape to about 390 KB: control characters (6 bytes each
/// as `\u00xx`), quotes and backslashes.
enum LargeText {
    static func make(_ tag: Int) -> String {
        let controls = (1...0x1F).compactMap { Unicode.Scalar($0) }.filter { !"\u{8}\t\n\u{C}\r".unicodeScalars.contains($0) }
        var scalars = String.UnicodeScalarView()
        for i in 0..<64_000 { scalars.append(controls[(i + tag) % controls.count]) }
        for i in 0..<1_000 { scalars.append(i % 2 == 0 ? "\"" : "\\") }
        return String(scalars)
    }

    /// The bytes `text` takes as a JSON string literal.
    static func escapedSize(_ text: String) -> Int {
        var out = JSONOutput()
        out.string(text)
        return out.bytes.count
    }
}

/// Issue 10, part 6: a page of ops with large texts cost time in proportion to the pull's
/// `limit` (the daemon read and decoded `limit` ops, then cut the page at 4 MiB).
@Suite("Pages of large texts", .serialized, .timeLimit(.minutes(2)))
struct LargeTextPagingTests {
    @Test func theTextsEscapeToAbout390KB() {
        let text = LargeText.make(0)
        #expect(text.unicodeScalars.count == 65_000)
        #expect(LargeText.escapedSize(text) > 385_000)
    }

    @Test func aPullOfLimit1000ReadsAboutThePageNotTheLimit() async throws {
        let memory = MemoryServerLog()
        memory.addToken(TestDaemon.salesToken, department: "sales")
        let counting = CountingLog(inner: memory)
        // No recent-ops window: every page comes from storage.
        let daemon = try await TestDaemon.start(storage: counting) { $0.recentOpsBytes = 0 }
        let writer = try await daemon.session(node: "writer")
        let total = 36
        for batch in 0..<(total / 6) {
            let ops = (0..<6).map { i in
                let n = batch * 6 + i
                return Ops.name(node: "writer", seq: UInt64(n + 1), row: "p\(n)", name: LargeText.make(n))
            }
            guard case .ack = try await writer.push(id: Int64(batch + 1), ops) else { Issue.record("push refused"); return }
        }

        let reader = try await daemon.session(node: "reader")
        counting.resetCount()
        try await reader.send(.pull(Pull(id: 1, since: 0, limit: 1000)))
        guard case .changes(let page) = try await reader.message(timeout: .seconds(60)) else { Issue.record("no changes"); return }
        let opBytes = page.ops.map { op -> Int in
            guard case .text(let text)? = op.value else { return 0 }
            return LargeText.escapedSize(text)
        }
        #expect(page.more)
        #expect(page.ops.count >= 9 && page.ops.count <= 11)                  // ~4 MiB of ~390 KB ops
        #expect(opBytes.reduce(0, +) <= Paging.defaultMaxPageBytes)
        // Storage handed out the page and at most one read-ahead run (16 ops), not 1,000 or all 36.
        #expect(counting.opsRead <= page.ops.count + 16)
        #expect(counting.opsRead < total)

        // The whole log, page by page: every op once, in order, each page within the budget.
        counting.resetCount()
        let all = try await reader.pullAll(since: 0, limit: 1000)
        #expect(all.map(\.log) == (1...UInt64(total)).map { Optional($0) })
        #expect(counting.opsRead <= total + 16 * 5)      // four pages, each at most one run past its end
        await daemon.stop()
    }

    @Test func theSQLiteLogPagesLargeTextsByBytesInOrder() async throws {
        let dir = try SQLiteDaemonTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = try ServerLog(path: dir.appendingPathComponent("server.sqlite").path, schema: PlanningSchema.schema)
        let token = try log.addToken(department: "sales")
        let daemon = try await TestDaemon.start(storage: log) { $0.recentOpsBytes = 0 }
        let writer = try await LineClient.connect(port: daemon.port)
        try await writer.hello(token: token, node: "writer")
        let total = 24
        for batch in 0..<(total / 6) {
            let ops = (0..<6).map { i in
                let n = batch * 6 + i
                return Ops.name(node: "writer", seq: UInt64(n + 1), row: "p\(n)", name: LargeText.make(n))
            }
            guard case .ack = try await writer.push(id: Int64(batch + 1), ops) else { Issue.record("push refused"); return }
        }
        // Page by page through ServerLog.forEachOp: every op once, in order, ~10 per page.
        var cursor: UInt64 = 0
        var pages = 0
        var texts: [String] = []
        while true {
            try await writer.send(.pull(Pull(id: Int64(100 + pages), since: cursor, limit: 1000)))
            guard case .changes(let page) = try await writer.message(timeout: .seconds(60)) else { Issue.record("no changes"); return }
            pages += 1
            #expect(page.ops.count <= 11)
            #expect(page.ops.map(\.log) == (cursor + 1...cursor + UInt64(page.ops.count)).map { Optional($0) })
            for op in page.ops { if case .text(let text)? = op.value { texts.append(text) } }
            cursor = page.next
            if !page.more { break }
        }
        #expect(pages >= 3 && pages <= 4)
        #expect(texts == (0..<total).map(LargeText.make))
        await writer.close()
        await daemon.stop()
    }
}
