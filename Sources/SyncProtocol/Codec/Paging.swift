import SyncModel

/// Cuts `changes` pages by size, so that a page of large text values still fits a client's line
/// limit. Sizes are upper bounds of what ``WireEncoder`` writes, computed without encoding.
public enum Paging {
    /// Default budget for the ops of one `changes` line: 4 MiB, a quarter of the default line limit.
    public static let defaultMaxPageBytes = 4 * 1024 * 1024

    /// How many leading ops of `ops` fit in `maxBytes`; at least 1 when `ops` is not empty, so a
    /// page always moves forward.
    public static func prefixCount(of ops: some Sequence<Op>, maxBytes: Int) -> Int {
        var total = 2
        var count = 0
        for op in ops {
            total += encodedSizeBound(of: op) + 1
            if total > maxBytes { return max(1, count) }
            count += 1
        }
        return count
    }

    /// An upper bound of the JSON size of `op` in bytes.
    public static func encodedSizeBound(of op: Op) -> Int {
        // Member names, punctuation, kind, hlc and up to four numbers (seq, delta, log, 21 bytes each).
        var n = 256
        n += text(op.collection) + text(op.row) + text(op.field) + text(op.node)
        switch op.value {
        case .text(let s)?: n += text(s)
        default: n += 32
        }
        n += text(op.element ?? "")
        n += text(op.department ?? "")
        for dot in op.replaces + op.removes { n += text(dot.node) + 22 }
        for (node, _) in op.context?.entries ?? [:] { n += text(node) + 23 }
        return n
    }

    /// Bound of a JSON string literal: quotes, 6 bytes per control character (`\u00XX`), 2 per
    /// quote or backslash.
    static func text(_ s: String) -> Int {
        var n = 2
        for b in s.utf8 {
            n += b < 0x20 ? 6 : (b == 0x22 || b == 0x5C ? 2 : 1)
        }
        return n
    }
}
