import SyncModel

/// Keeps a push line under the daemon's line limit whatever the ops hold: a batch is cut by an
/// upper bound of its encoded size as well as by count, so an outbox of large values (text up to
/// 64 KiB, six bytes per escaped control character) never turns into a push the daemon must
/// refuse with `line_too_long` on every retry.
enum PushSize {
    /// Bytes a push may take at most: a quarter of the default 16 MiB line limit.
    static let budget = 4 * 1024 * 1024

    /// How many of `ops` (at least one) fit in ``budget`` bytes, by ``bound(_:)``.
    static func prefixCount(of ops: some Collection<Op>, budget: Int = PushSize.budget) -> Int {
        var total = 64
        var count = 0
        for op in ops {
            total += bound(op)
            if total > budget, count > 0 { break }
            count += 1
        }
        return count
    }

    /// An upper bound of the op's JSON size: fixed members, plus six bytes per UTF-8 byte of each
    /// string (the longest escape, `\u00XX`), plus each named dot and context entry.
    static func bound(_ op: Op) -> Int {
        var strings = op.collection.utf8.count + op.row.utf8.count + op.field.utf8.count + (op.element?.utf8.count ?? 0)
        if case .text(let s)? = op.value { strings += s.utf8.count }
        let dots = op.replaces.count + op.removes.count + (op.context?.entries.count ?? 0)
        return 320 + 6 * strings + dots * (NodeID.maxLength + 32)
    }
}
