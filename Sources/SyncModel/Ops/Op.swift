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

extension Op: Codable {
    enum CodingKeys: String, CodingKey {
        case collection, row, field, kind, node, seq, hlc, value, replaces, delta, element, removes, context, department, log
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        collection = try c.decode(String.self, forKey: .collection)
        row = try c.decode(String.self, forKey: .row)
        field = try c.decode(String.self, forKey: .field)
        kind = try c.decode(OpKind.self, forKey: .kind)
        node = try c.decode(String.self, forKey: .node)
        guard NodeID.isValid(node) else {
            throw DecodingError.dataCorruptedError(forKey: .node, in: c, debugDescription: NodeIDError.invalid(node).description)
        }
        seq = try c.decode(UInt64.self, forKey: .seq)
        guard seq >= 1, seq <= Dot.maxSeq else {
            throw DecodingError.dataCorruptedError(forKey: .seq, in: c, debugDescription: "seq \(seq) out of range 1…2^53")
        }
        hlc = try c.decode(HLCTimestamp.self, forKey: .hlc)
        department = try c.decodeIfPresent(String.self, forKey: .department)
        log = try c.decodeIfPresent(UInt64.self, forKey: .log)
        if let position = log, position > Dot.maxSeq {
            throw DecodingError.dataCorruptedError(forKey: .log, in: c, debugDescription: "log position \(position) beyond 2^53")
        }
        value = nil; replaces = []; delta = nil; element = nil; removes = []; context = nil
        switch kind {
        case .set:
            guard c.contains(.value) else { throw Op.missing(.value, c) }
            value = try c.decode(Value.self, forKey: .value)
            replaces = try c.decodeIfPresent([Dot].self, forKey: .replaces) ?? []
            context = try c.decodeIfPresent(VersionVector.self, forKey: .context)
            if context == nil, ExactText.equal(field, Op.deletedField) { throw Op.missing(.context, c) }
        case .inc:
            guard c.contains(.delta) else { throw Op.missing(.delta, c) }
            let d = try c.decode(Int64.self, forKey: .delta)
            guard d.magnitude <= Dot.maxSeq else {
                throw DecodingError.dataCorruptedError(forKey: .delta, in: c, debugDescription: "delta \(d) beyond ±2^53")
            }
            delta = d
        case .add:
            guard c.contains(.element) else { throw Op.missing(.element, c) }
            element = try c.decode(String.self, forKey: .element)
        case .remove:
            guard c.contains(.element) else { throw Op.missing(.element, c) }
            element = try c.decode(String.self, forKey: .element)
            guard c.contains(.removes) else { throw Op.missing(.removes, c) }
            removes = try c.decode([Dot].self, forKey: .removes)
        }
    }

    private static func missing(_ key: CodingKeys, _ c: KeyedDecodingContainer<CodingKeys>) -> DecodingError {
        .keyNotFound(key, .init(codingPath: c.codingPath, debugDescription: "\"\(key.stringValue)\" is required"))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(collection, forKey: .collection)
        try c.encode(row, forKey: .row)
        try c.encode(field, forKey: .field)
        try c.encode(kind, forKey: .kind)
        try c.encode(node, forKey: .node)
        try c.encode(seq, forKey: .seq)
        try c.encode(hlc, forKey: .hlc)
        switch kind {
        case .set:
            try c.encode(value ?? .null, forKey: .value)
            try c.encode(replaces, forKey: .replaces)
            try c.encodeIfPresent(context, forKey: .context)
        case .inc:
            try c.encode(delta ?? 0, forKey: .delta)
        case .add:
            try c.encode(element ?? "", forKey: .element)
        case .remove:
            try c.encode(element ?? "", forKey: .element)
            try c.encode(removes, forKey: .removes)
        }
        try c.encodeIfPresent(department, forKey: .department)
        try c.encodeIfPresent(log, forKey: .log)
    }
}
