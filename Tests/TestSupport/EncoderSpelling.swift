/// Foundation's `JSONEncoder` output in PlanSync's one escaping (``SyncModel/JSONOutput``): the
/// same bytes except that `\b` and `\f` are spelled `\u0008` and `\u000c`, as the canonical form
/// documents (docs/merge-semantics.md §8). Lets tests keep `JSONEncoder` as the oracle of the
/// hand-written encoders. An escaped backslash followed by `b` or `f` (`\\b`) is left alone.
public func inPlanSyncEscaping(_ encoded: some Sequence<UInt8>) -> [UInt8] {
    let bytes = Array(encoded)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = 0
    while i < bytes.count {
        guard bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count else {
            out.append(bytes[i])
            i += 1
            continue
        }
        switch bytes[i + 1] {
        case UInt8(ascii: "b"): out += Array(#"\u0008"#.utf8)
        case UInt8(ascii: "f"): out += Array(#"\u000c"#.utf8)
        default: out += [bytes[i], bytes[i + 1]]
        }
        i += 2
    }
    return out
}
