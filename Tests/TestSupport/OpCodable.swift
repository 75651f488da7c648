import SyncModel

// Op's Foundation Codable form: the oracle the product's one op codec (SyncModel's OpJSON) is
// checked against, by the tests (OpJSONTests, WireCodecEquivalenceTests, the convergence
// simulation) and by the fuzz harness (Fuzz/run.sh compiles this file into its SyncModel).
// Not in the product, so that it decodes an op one way.

extension Op: Codable {
    enum OracleKeys: String, CodingKey {
        case collection, row, field, kind, node, seq, hlc, value, replaces, delta, element, removes, context, department, log
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: OracleKeys.self)
        let collection = try c.decode(String.self, forKey: .collection)
        let row = try c.decode(String.self, forKey: .row)
        let field = try c.decode(String.self, forKey: .field)
        let kind = try c.decode(OpKind.self, forKey: .kind)
        let node = try c.decode(String.self, forKey: .node)
        guard NodeID.isValid(node) else {
            throw DecodingError.dataCorruptedError(forKey: .node, in: c, debugDescription: NodeIDError.invalid(node).description)
        }
        let seq = try c.decode(UInt64.self, forKey: .seq)
        guard seq >= 1, seq <= Dot.maxSeq else {
            throw DecodingError.dataCorruptedError(forKey: .seq, in: c, debugDescription: "seq \(seq) out of range 1…2^53")
        }
        let hlc = try c.decode(HLCTimestamp.self, forKey: .hlc)
        let department = try c.decodeIfPresent(String.self, forKey: .department)
        let log = try c.decodeIfPresent(UInt64.self, forKey: .log)
        if let position = log, position > Dot.maxSeq {
            throw DecodingError.dataCorruptedError(forKey: .log, in: c, debugDescription: "log position \(position) beyond 2^53")
        }
        var value: Value?, replaces: [Dot] = [], delta: Int64?, element: String?, removes: [Dot] = [], context: VersionVector?
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
        self.init(collection: collection, row: row, field: field, kind: kind, node: node, seq: seq, hlc: hlc, value: value,
                  replaces: replaces, delta: delta, element: element, removes: removes, context: context, department: department, log: log)
    }

    static func missing(_ key: OracleKeys, _ c: KeyedDecodingContainer<OracleKeys>) -> DecodingError {
        .keyNotFound(key, .init(codingPath: c.codingPath, debugDescription: "\"\(key.stringValue)\" is required"))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: OracleKeys.self)
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
