import NIOCore
import SyncModel
import SyncProtocol

/// Pages for a department that may not read every collection (partial replication): only the
/// ops it may read are encoded; the others are passed over. `next` keeps its version 1 meaning
/// (the position of the last op in the page, or `since` when it has none), which clients check,
/// so a reader resumes after the last op it received and the ops passed over are looked at
/// again, never sent. A page with `more` true always holds an op.
enum ScopedPage {
    /// Ops read from storage per run while passing over hidden ones.
    static let run = 1_000

    /// At most `limit` readable ops after `since` within `maxBytes`, and `through`: the position
    /// of the last op looked at (returned or passed over), where a subscriber's stream may go on
    /// from. Blocks on storage.
    static func read(_ storage: any ServerLogStorage, since: UInt64, limit: Int, maxBytes: Int,
                     readable: (Op) -> Bool) throws -> (page: EncodedPage, through: UInt64) {
        var writer = PageWriter(limit: limit, maxBytes: maxBytes)
        var through = since
        var next = since
        var more = false
        var done = false
        while !done {
            var seen = 0
            try storage.forEachOp(since: through, limit: run) { op in
                seen += 1
                let position = try LogHub.lastPosition(of: CollectionOfOne(op), after: through)
                if readable(op) {
                    // A readable op without room ends the page; it is the first of the next one.
                    guard try writer.append(op) else {
                        more = true
                        done = true
                        return false
                    }
                    next = position
                }
                through = position
                return true
            }
            if seen < run { done = true }
        }
        let (json, count) = writer.finish()
        return (EncodedPage(json: json, count: count, next: next, more: more), through)
    }

    /// A commit's ops for one reader: its readable ops in pages within `maxBytes`, each page's
    /// `next` the position of its last op. Empty when it may read none of them.
    static func commitPages(_ appended: [Op], maxBytes: Int, readable: (Op) -> Bool) throws -> [EncodedPage] {
        var rest = appended.filter(readable)[...]
        var pages: [EncodedPage] = []
        while !rest.isEmpty {
            let (json, count) = try Paging.encode(rest, limit: .max, maxBytes: maxBytes)
            let page = rest.prefix(count)
            rest = rest.dropFirst(count)
            let next = try LogHub.lastPosition(of: page, after: 0)
            pages.append(EncodedPage(json: json, count: count, next: next, more: !rest.isEmpty))
        }
        return pages
    }
}
