/// Dropping unsent ops from a replica's outbox (`plansync outbox discard`, issue 13) without
/// leaving a gap in the node's seqs, which the daemon would refuse (`seq_gap`) forever after.
///
/// The outbox holds the node's last ops, consecutive seqs, none of them known to the daemon. The
/// ops left are renumbered from the first dropped seq on, in their order, and every reference to a
/// renumbered op among them changes with it: `replaces` and `removes` naming a dropped op lose that
/// dot (its value or element never existed for anyone else), those naming a kept op take its new
/// dot, and a `_deleted` op's `context` entry of the node becomes the new seq of the last kept op
/// at or below it (renumbering keeps order, so the edits the writer had seen stay exactly those).
/// A `remove` whose every removed tag is dropped has nothing left to remove and is dropped too.
///
/// ```swift
/// let left = try OutboxDiscard.remaining(outbox, discarding: [Dot(node: "sales-laptop", seq: 7)])
/// ```
public enum OutboxDiscard {
    /// The ops of `outbox` left after dropping `discarding`, renumbered; `outbox` itself when
    /// nothing is dropped. Throws ``ValidationError`` naming a dot that is not an op of the
    /// outbox (nothing is dropped then).
    /// The dot form below, for the ops as the caller listed them: each must
    /// still be in `outbox` under its dot with the same HLC. Throws ``ValidationError`` when one is
    /// not (another discard renumbered the unsent ops since they were listed), dropping nothing.
    public static func remaining(_ outbox: [Op], discarding listed: [Op]) throws(ValidationError) -> [Op] {
        let now = Dictionary(outbox.map { ($0.dot, $0.hlc) }, uniquingKeysWith: { first, _ in first })
        for op in listed where now[op.dot] != nil && now[op.dot] != op.hlc {
            throw ValidationError("\(op.dot) names another op than the one listed: the unsent ops were renumbered since (another outbox discard); list them again (plansync outbox)")
        }
        return try remaining(outbox, discarding: listed.map(\.dot))
    }

    public static func remaining(_ outbox: [Op], discarding: [Dot]) throws(ValidationError) -> [Op] {
        let present = Set(outbox.map(\.dot))
        for dot in discarding where !present.contains(dot) {
            throw ValidationError("\(dot) is not an unsent op of this replica (plansync outbox lists them)")
        }
        var dropped = Set(discarding)
        // Removes left with nothing to remove go too (until no more do).
        var changed = !dropped.isEmpty
        while changed {
            changed = false
            for op in outbox where op.kind == .remove && !dropped.contains(op.dot) && !op.removes.isEmpty
                && op.removes.allSatisfy(dropped.contains) {
                dropped.insert(op.dot)
                changed = true
            }
        }
        guard let node = outbox.first?.node, let first = outbox.filter({ dropped.contains($0.dot) }).map(\.seq).min() else { return outbox }
        let kept = outbox.filter { !dropped.contains($0.dot) }
        var renumbered: [UInt64: UInt64] = [:]
        var next = first
        for op in kept where op.seq >= first {
            renumbered[op.seq] = next
            next += 1
        }
        func moved(_ dot: Dot) -> Dot? {
            guard dot.node == node, dot.seq >= first else { return dot }
            return renumbered[dot.seq].map { Dot(node: node, seq: $0) }
        }
        func seen(_ vv: VersionVector) -> VersionVector {
            let through = vv[node]
            guard through >= first else { return vv }
            var entries = vv.entries
            let last = kept.last(where: { $0.seq <= through && $0.seq >= first }).flatMap { renumbered[$0.seq] } ?? first - 1
            entries[node] = last
            return VersionVector(entries)
        }
        return kept.map { op in
            var out = op
            out.seq = renumbered[op.seq] ?? op.seq
            out.replaces = op.replaces.compactMap(moved)
            out.removes = op.removes.compactMap(moved)
            out.context = op.context.map(seen)
            return out
        }
    }
}
