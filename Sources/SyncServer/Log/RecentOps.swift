import Foundation
import NIOCore
import SyncModel
import SyncProtocol

/// The newest committed ops of the log, already written as JSON: each commit is encoded once,
/// then fan-out, pulls and subscription catch-ups cut their `changes` pages from these bytes
/// instead of reading storage and encoding again. Holds a window of consecutive positions that
/// ends at the last position the log hub delivered (the log's head, unless another daemon on a
/// shared log committed since: the hub checks a "nothing newer" page against the head it knows),
/// dropping its oldest commits beyond `budget` bytes. Thread-safe.
///
/// ```swift
/// try recent.append(commit.appended)                    // on the commit queue, after the commit
/// if let page = recent.page(since: 120, limit: 1000, maxBytes: 4 << 20) { send(page) }   // nil: read storage
/// ```
final class RecentOps: @unchecked Sendable {
    /// One commit's ops: `op,op,…` without brackets, and where each op ends.
    private struct Chunk {
        let first: UInt64
        let json: ByteBuffer
        /// End offset in `json` of each op (the comma after it not included).
        let ends: [Int]

        var last: UInt64 { first + UInt64(ends.count) - 1 }

        func start(of index: Int) -> Int { index == 0 ? 0 : ends[index - 1] + 1 }
    }

    private let lock = NSLock()
    private let budget: Int
    private var chunks: [Chunk] = []
    private var bytes = 0

    /// Keeps at most about `budget` bytes of JSON; 0 keeps nothing.
    init(budget: Int) {
        self.budget = max(0, budget)
    }

    /// Adds the ops of a commit, which must carry their positions and follow the window's last;
    /// otherwise the window starts over with them. Ops that cannot be encoded empty the window.
    func append(_ ops: [Op]) {
        guard budget > 0, let first = ops.first?.log else { return }
        var out = JSONOutput(capacity: ops.count * 256)
        var ends: [Int] = []
        ends.reserveCapacity(ops.count)
        var expected = first
        for op in ops {
            // Positions run on without a gap, and validated ops always encode; should one not,
            // the window must not keep a hole.
            guard op.log == expected, (try? OpJSON.encode(op, into: &out)) != nil else {
                lock.withLock { chunks.removeAll(); bytes = 0 }
                return
            }
            ends.append(out.bytes.count)
            out.byte(UInt8(ascii: ","))
            expected += 1
        }
        out.bytes.removeLast()   // the comma after the last op
        let chunk = Chunk(first: first, json: ByteBuffer(bytes: out.bytes), ends: ends)
        lock.withLock {
            if let last = chunks.last?.last, last + 1 != first {
                chunks.removeAll()
                bytes = 0
            }
            chunks.append(chunk)
            bytes += chunk.json.readableBytes
            // The newest commit stays even when it alone is over the budget.
            var drop = 0
            while bytes > budget, drop < chunks.count - 1 {
                bytes -= chunks[drop].json.readableBytes
                drop += 1
            }
            chunks.removeFirst(drop)
        }
    }

    /// The page of ops after `since`, at most `limit` and within `maxBytes` of JSON (at least one
    /// op, ``SyncProtocol/PageBudget``); nil when position `since + 1` is not in the window.
    /// A `since` at the window's end gives an empty page (nothing newer was delivered).
    /// Only the slices are taken under the lock; their bytes are copied after it, so a reader
    /// preempted mid-copy (catch-up reads run at low priority) never holds up a commit's append.
    func page(since: UInt64, limit: Int, maxBytes: Int) -> EncodedPage? {
        guard let (runs, count, next, more) = slices(since: since, limit: limit, maxBytes: maxBytes) else { return nil }
        var out = ByteBuffer()
        out.reserveCapacity(runs.reduce(2) { $0 + $1.readableBytes + 1 })
        out.writeInteger(UInt8(ascii: "["))
        for run in runs {
            if out.readableBytes > 1 { out.writeInteger(UInt8(ascii: ",")) }
            out.writeImmutableBuffer(run)
        }
        out.writeInteger(UInt8(ascii: "]"))
        return EncodedPage(json: out, count: count, next: next, more: more)
    }

    /// The runs of encoded ops that make the page after `since` (slices sharing the chunks'
    /// storage), its op count, last position and whether more follow; nil as for ``page(since:limit:maxBytes:)``.
    private func slices(since: UInt64, limit: Int, maxBytes: Int) -> (runs: [ByteBuffer], count: Int, next: UInt64, more: Bool)? {
        lock.withLock {
            guard let lastChunk = chunks.last, let firstChunk = chunks.first,
                  since + 1 >= firstChunk.first, since <= lastChunk.last else { return nil }
            if since == lastChunk.last { return ([], 0, since, false) }
            // The chunk holding since + 1: the last one starting at or before it.
            var low = 0, high = chunks.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if chunks[mid].first <= since + 1 { low = mid } else { high = mid - 1 }
            }
            var runs: [ByteBuffer] = []
            var budget = PageBudget(limit: limit, maxBytes: maxBytes)
            var next = since
            var c = low
            var index = Int(since + 1 - chunks[c].first)
            while c < chunks.count {
                let chunk = chunks[c]
                // The run of this chunk's ops that fits.
                let from = index
                while index < chunk.ends.count, budget.take(size: chunk.ends[index] - chunk.start(of: index)) { index += 1 }
                if index > from {
                    let start = chunk.start(of: from)
                    if let run = chunk.json.getSlice(at: chunk.json.readerIndex + start, length: chunk.ends[index - 1] - start) {
                        runs.append(run)
                    }
                    next = chunk.first + UInt64(index) - 1
                }
                guard index == chunk.ends.count else { break }
                c += 1
                index = 0
            }
            return (runs, budget.count, next, next < lastChunk.last)
        }
    }
}
