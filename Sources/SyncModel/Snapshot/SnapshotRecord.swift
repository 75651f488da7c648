/// One row of a snapshot: its whole merge state (``RowState``) at the snapshot's horizon, enough
/// to merge any later op — register siblings with their dots, HLCs, values, departments and
/// contexts, counter sums, set add-tags, the `_deleted` register and `row_vv`.
///
/// The record's JSON text is byte-exact: the daemon's snapshot table stores it and the wire's
/// `snapshot` pages carry the same bytes (protocol/PROTOCOL.md §4, docs/replica-format.md).
/// Members are in sorted order; fields in byte order of their names; siblings, set tags and
/// version vectors in dot order (node bytes, then seq); set elements in byte order.
/// ```json
/// {"collection":"projects","deleted":[{"context":{"a":3},"dot":"a:1","hlc":"0193…","value":false}],
///  "fields":[{"counter":750,"name":"budget_spent"},
///            {"name":"name","register":[{"department":"planning","dot":"a:2","hlc":"0193…","value":"keep"}]},
///            {"name":"channels","set":[{"dots":["a:4"],"element":"广播"}]}],
///  "row":"4b1e…","vv":{"a":4}}
/// ```
public struct SnapshotRecord: Equatable, Sendable {
    /// The collection's name.
    public var collection: String
    /// The row id.
    public var row: String
    /// The row's merge state.
    public var state: RowState

    public init(collection: String, row: String, state: RowState) {
        self.collection = collection
        self.row = row
        self.state = state
    }

    /// Where the record sorts: by collection, then row id, both by UTF-8 bytes.
    public var key: SnapshotKey { SnapshotKey(collection: collection, row: row) }

    public static func == (a: SnapshotRecord, b: SnapshotRecord) -> Bool {
        a.key == b.key && a.state == b.state
    }

    // MARK: Writing

    /// The record's JSON text (one line, no line break). Throws ``NonFiniteNumber`` only for a
    /// real value that is not finite, which validated ops never carry.
    public func encoded() throws(NonFiniteNumber) -> [UInt8] {
        var out = JSONOutput(capacity: 256)
        try encode(into: &out)
        return out.bytes
    }

    /// Appends the record's JSON text to `out`.
    public func encode(into out: inout JSONOutput) throws(NonFiniteNumber) {
        out.raw("{\"collection\":")
        out.string(collection)
        out.raw(",\"deleted\":")
        try SnapshotRecord.siblings(state.deleted.siblings, into: &out)
        out.raw(",\"fields\":[")
        for (i, entry) in state.fields.sorted(by: { ExactText.less($0.key, $1.key) }).enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            switch entry.value {
            case .counter(let c):
                out.raw("{\"counter\":")
                out.integer(c.value)
                out.raw(",\"name\":")
                out.string(entry.key)
            case .register(let r):
                out.raw("{\"name\":")
                out.string(entry.key)
                out.raw(",\"register\":")
                try SnapshotRecord.siblings(r.siblings, into: &out)
            case .set(let s):
                out.raw("{\"name\":")
                out.string(entry.key)
                out.raw(",\"set\":[")
                for (k, tag) in s.tags.sorted(by: { $0.key < $1.key }).enumerated() {
                    if k > 0 { out.byte(UInt8(ascii: ",")) }
                    out.raw("{\"dots\":")
                    OpJSON.dots(tag.value.sorted(), into: &out)
                    out.raw(",\"element\":")
                    out.string(tag.key.string)
                    out.byte(UInt8(ascii: "}"))
                }
                out.byte(UInt8(ascii: "]"))
            }
            out.byte(UInt8(ascii: "}"))
        }
        out.raw("],\"row\":")
        out.string(row)
        out.raw(",\"vv\":")
        SnapshotRecord.versionVector(state.vv, into: &out)
        out.byte(UInt8(ascii: "}"))
    }

    /// Siblings in dot order, each `{"context"?,"department"?,"dot","hlc","value"}`.
    static func siblings(_ siblings: [Sibling], into out: inout JSONOutput) throws(NonFiniteNumber) {
        out.byte(UInt8(ascii: "["))
        for (i, s) in siblings.sorted(by: { $0.dot < $1.dot }).enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.byte(UInt8(ascii: "{"))
            if let context = s.context {
                out.raw("\"context\":")
                versionVector(context, into: &out)
                out.byte(UInt8(ascii: ","))
            }
            if let department = s.department {
                out.raw("\"department\":")
                out.string(department)
                out.byte(UInt8(ascii: ","))
            }
            out.raw("\"dot\":")
            out.dot(s.dot)
            out.raw(",\"hlc\":")
            out.hlc(s.hlc)
            out.raw(",\"value\":")
            try OpJSON.value(s.value, into: &out)
            out.byte(UInt8(ascii: "}"))
        }
        out.byte(UInt8(ascii: "]"))
    }

    /// `{"node":seq,…}` in node byte order.
    public static func versionVector(_ vv: VersionVector, into out: inout JSONOutput) {
        out.byte(UInt8(ascii: "{"))
        for (i, entry) in vv.sorted.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.string(entry.node)
            out.byte(UInt8(ascii: ":"))
            out.unsigned(entry.seq)
        }
        out.byte(UInt8(ascii: "}"))
    }
}

/// Where a snapshot record sorts, and where a page of records resumes: collection, then row id,
/// both compared by UTF-8 bytes (``ExactText``).
public struct SnapshotKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var collection: String
    public var row: String

    public init(collection: String, row: String) {
        self.collection = collection
        self.row = row
    }

    public static func == (a: SnapshotKey, b: SnapshotKey) -> Bool {
        ExactText.equal(a.collection, b.collection) && ExactText.equal(a.row, b.row)
    }

    public func hash(into hasher: inout Hasher) {
        ExactText.hash(collection, into: &hasher)
        ExactText.hash(row, into: &hasher)
    }

    public static func < (a: SnapshotKey, b: SnapshotKey) -> Bool {
        ExactText.equal(a.collection, b.collection) ? ExactText.less(a.row, b.row) : ExactText.less(a.collection, b.collection)
    }

    public var description: String { "\(collection)/\(row)" }
}
