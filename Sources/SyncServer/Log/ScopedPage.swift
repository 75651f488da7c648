import NIOCore
import SyncModel
import SyncProtocol

/// Pages for a department that may not read every collection (partial replication): only the
/// ops it may read are encoded; the others are passed over, and `next` moves past them, so
/// positions still increase and a reader resumes where it stopped. A page with `more` true
/// always holds an op (a client reads `more` with no ops as a broken stream).
enum ScopedPage {
    /// Ops read from storage per run while passing over hidden ones.
    static let run = 1_000

    /// At most `limit` readable ops after `since` within `maxBytes`; `next` is the position of
    /// the last op looked at (returned or passed over). Blocks on storage.
    static func read(_ storage: any ServerLogStorage, since: UInt64, limit: Int, maxBytes: Int,
                     readable: (Op) -> Bool) throws -> EncodedPage {
        var writer = PageWriter(limit: limit, maxBytes: maxBytes)
        var next = since
        var more = false
        var done = false
        while !done {
            var seen = 0
            try storage.forEachOp(since: next, limit: run) { op in
                seen += 1
                if readable(op) {
                    // A readable op without room ends the page; it is the first of the next one.
                    guard try writer.append(op) else {
                        more = true
                        done = true
                        return false
                    }
                }
                next = try LogHub.lastPosition(of: CollectionOfOne(op), after: next)
                return true
            }
            if seen < run { done = true }
        }
        let (json, count) = writer.finish()
        return EncodedPage(json: json, count: count, next: next, more: more)
    }

    /// A commit's ops (`appended`, ending at position `last`) for one reader: its readable ops
    /// in pages within `maxBytes`, the last page's `next` being `last`. Empty when it may read
    /// none of them.
    static func commitPages(_ appended: [Op], last: UInt64, maxBytes: Int, readable: (Op) -> Bool) throws -> [EncodedPage] {
        var rest = appended.filter(readable)[...]
        var pages: [EncodedPage] = []
        while !rest.isEmpty {
            let (json, count) = try Paging.encode(rest, limit: .max, maxBytes: maxBytes)
            let page = rest.prefix(count)
            rest = rest.dropFirst(count)
            let next = rest.isEmpty ? last : try LogHub.lastPosition(of: page, after: last)
            pages.append(EncodedPage(json: json, count: count, next: next, more: !rest.isEmpty))
        }
        return pages
    }
}
