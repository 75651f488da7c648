/// Builds the ops of local writes from the current state of a row, so that the in-memory replica
/// and the SQLite store write exactly the same ops. Pure: the caller supplies node, seq and hlc.
///
/// ```swift
/// let op = try OpBuilder.set(collection: "projects", row: id, field: "end", value: .text("2027-04-20"),
///                            current: rowState, stamp: Stamp(node: "sales-laptop", seq: 12, hlc: now))
/// // op.replaces == every sibling the writer sees, so writing a field in conflict resolves it
/// ```
public enum OpBuilder {
    /// Who writes and when.
    public struct Stamp: Sendable {
        public let node: String
        public let seq: UInt64
        public let hlc: HLCTimestamp

        public init(node: String, seq: UInt64, hlc: HLCTimestamp) {
            self.node = node
            self.seq = seq
            self.hlc = hlc
        }
    }

    /// A register write replacing every sibling the writer sees. On `_deleted` it carries the row's
    /// `row_vv` as `context`.
    public static func set(collection: String, row: String, field: String, value: Value, current: RowState?, stamp: Stamp) -> Op {
        let siblings: [Dot]
        var context: VersionVector?
        if field == Op.deletedField {
            siblings = current?.deleted.dots ?? []
            context = current?.vv ?? VersionVector()
        } else if case .register(let r)? = current?.fields[field] {
            siblings = r.dots
        } else {
            siblings = []
        }
        return Op(collection: collection, row: row, field: field, kind: .set, node: stamp.node, seq: stamp.seq, hlc: stamp.hlc,
                  value: value, replaces: siblings, context: context)
    }

    public static func inc(collection: String, row: String, field: String, delta: Int64, stamp: Stamp) -> Op {
        Op(collection: collection, row: row, field: field, kind: .inc, node: stamp.node, seq: stamp.seq, hlc: stamp.hlc, delta: delta)
    }

    public static func add(collection: String, row: String, field: String, element: String, stamp: Stamp) -> Op {
        Op(collection: collection, row: row, field: field, kind: .add, node: stamp.node, seq: stamp.seq, hlc: stamp.hlc, element: element)
    }

    /// A remove naming every add dot of `element` the writer sees; nil when the element is absent.
    public static func remove(collection: String, row: String, field: String, element: String, current: RowState?, stamp: Stamp) -> Op? {
        guard case .set(let s)? = current?.fields[field], s.contains(element) else { return nil }
        return Op(collection: collection, row: row, field: field, kind: .remove, node: stamp.node, seq: stamp.seq, hlc: stamp.hlc,
                  element: element, removes: s.observed(element))
    }
}
