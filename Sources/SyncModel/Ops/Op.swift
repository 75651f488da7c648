/// What an op does to its field.
public enum OpKind: String, Codable, Sendable, CaseIterable {
    /// Multi-value register write; carries `value` and `replaces` (and `context` on `_deleted`).
    case set
    /// PN-counter increment; carries `delta`.
    case inc
    /// Observed-remove set add; carries `element` and is named by its own dot.
    case add
    /// Observed-remove set remove; carries `element` and `removes`, the add dots it observed.
    case remove
}

/// One operation on one field of one row: the unit of replication.
///
/// Wire shape (DESIGN.md, protocol version 1):
/// ```json
/// {"collection":"projects","row":"4b1…","field":"end","kind":"set","node":"sales-laptop",
///  "seq":12,"hlc":"01937a8b1c2d0001","value":"2027-04-20","replaces":["planning-laptop:7"]}
/// ```
/// Ops in `changes` also carry `department` and `log`. Decoding checks shapes (dot and hlc text,
/// node id, seq 1…2^53, the members each kind needs); the schema checks values (``Schema/validate(_:)``).
public struct Op: Hashable, Sendable {
    /// The reserved field that every row has: row liveness as a bool register.
    public static let deletedField = "_deleted"

    public var collection: String
    public var row: String
    public var field: String
    public var kind: OpKind
    public var node: String
    public var seq: UInt64
    public var hlc: HLCTimestamp
    /// The written value (`set`).
    public var value: Value?
    /// Sibling dots this write supersedes (`set`).
    public var replaces: [Dot]
    /// Counter change, in the field's unit (`inc`), |delta| ≤ 2^53.
    public var delta: Int64?
    /// Set element (`add`, `remove`).
    public var element: String?
    /// Add dots observed and removed (`remove`).
    public var removes: [Dot]
    /// The writer's `row_vv` when it wrote `_deleted` (`set` of `_deleted`).
    public var context: VersionVector?
    /// Department stamped by the server from the pushing token (in `changes` only).
    public var department: String?
    /// Server log position (in `changes` only).
    public var log: UInt64?

    public init(collection: String, row: String, field: String, kind: OpKind, node: String, seq: UInt64, hlc: HLCTimestamp,
                value: Value? = nil, replaces: [Dot] = [], delta: Int64? = nil, element: String? = nil,
                removes: [Dot] = [], context: VersionVector? = nil, department: String? = nil, log: UInt64? = nil) {
        self.collection = collection
        self.row = row
        self.field = field
        self.kind = kind
        self.node = node
        self.seq = seq
        self.hlc = hlc
        self.value = value
        self.replaces = replaces
        self.delta = delta
        self.element = element
        self.removes = removes
        self.context = context
        self.department = department
        self.log = log
    }

    /// The op's unique name.
    public var dot: Dot { Dot(node: node, seq: seq) }

    /// The op as its author wrote it: without the server's `department` and `log`.
    /// Two ops with the same dot and different content mean a copied replica (`duplicate_dot`).
    public var content: Op {
        var copy = self
        copy.department = nil
        copy.log = nil
        return copy
    }

    /// Member by member, texts by their UTF-8 bytes (``ExactText``): a copied replica that wrote
    /// `"\u{2126}"` where the log holds `"\u{03A9}"` under the same dot is a `duplicate_dot`.
    public static func == (a: Op, b: Op) -> Bool {
        a.seq == b.seq && a.hlc == b.hlc && a.kind == b.kind && a.delta == b.delta && a.log == b.log
            && a.value == b.value && a.replaces == b.replaces && a.removes == b.removes && a.context == b.context
            && ExactText.equal(a.node, b.node) && ExactText.equal(a.collection, b.collection)
            && ExactText.equal(a.row, b.row) && ExactText.equal(a.field, b.field)
            && ExactText.equal(a.element, b.element) && ExactText.equal(a.department, b.department)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(seq)
        hasher.combine(hlc)
        ExactText.hash(node, into: &hasher)
        ExactText.hash(row, into: &hasher)
    }
}
