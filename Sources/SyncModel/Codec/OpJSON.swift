/// The wire JSON of ``Op`` without Foundation's coders: about ten times faster, and the same text
/// and the same verdicts as `Op`'s `Codable` conformance (which stays, for callers that want it).
///
/// Writing: members in sorted key order (`collection, context, delta, department, element, field,
/// hlc, kind, log, node, removes, replaces, row, seq, value`), only those the kind carries, as
/// `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]` writes them.
/// Reading: members in any order, unknown ones ignored, the first of repeated ones used; checks in
/// the order of `Op.init(from:)`, failing with the ``JSONReadError`` kind that maps to the
/// `DecodingError` it threw (absent → `missing`, wrong JSON type → `wrongType`, `null` →
/// `null`, bad content → `invalid`), the path relative to the op.
///
/// ```swift
/// let bytes = try OpJSON.encode(op)                                  // [UInt8]
/// let back = try bytes.withUnsafeBufferPointer { try OpJSON.decode($0) }   // == op
/// ```
public enum OpJSON {
    // MARK: Writing

    /// The op's JSON text.
    public static func encode(_ op: Op) throws(NonFiniteNumber) -> [UInt8] {
        var out = JSONOutput(capacity: 160)
        try encode(op, into: &out)
        return out.bytes
    }

    /// A JSON array of the ops, `[op,op,…]`.
    public static func encode(_ ops: some Collection<Op>) throws(NonFiniteNumber) -> [UInt8] {
        var out = JSONOutput(capacity: 2 + ops.count * 200)
        try encodeArray(ops, into: &out)
        return out.bytes
    }

    /// Appends `[op,op,…]` to `out`.
    public static func encodeArray(_ ops: some Collection<Op>, into out: inout JSONOutput) throws(NonFiniteNumber) {
        out.byte(UInt8(ascii: "["))
        var first = true
        for op in ops {
            if !first { out.byte(UInt8(ascii: ",")) }
            first = false
            try encode(op, into: &out)
        }
        out.byte(UInt8(ascii: "]"))
    }

    /// Appends the op's JSON object to `out`.
    public static func encode(_ op: Op, into out: inout JSONOutput) throws(NonFiniteNumber) {
        out.raw("{\"collection\":")
        out.string(op.collection)
        if op.kind == .set, let context = op.context {
            out.raw(",\"context\":")
            out.versionVector(context)
        }
        if op.kind == .inc {
            out.raw(",\"delta\":")
            out.integer(op.delta ?? 0)
        }
        if let department = op.department {
            out.raw(",\"department\":")
            out.string(department)
        }
        if op.kind == .add || op.kind == .remove {
            out.raw(",\"element\":")
            out.string(op.element ?? "")
        }
        out.raw(",\"field\":")
        out.string(op.field)
        out.raw(",\"hlc\":")
        out.hlc(op.hlc)
        out.raw(",\"kind\":")
        switch op.kind {
        case .set: out.raw("\"set\"")
        case .inc: out.raw("\"inc\"")
        case .add: out.raw("\"add\"")
        case .remove: out.raw("\"remove\"")
        }
        if let log = op.log {
            out.raw(",\"log\":")
            out.unsigned(log)
        }
        out.raw(",\"node\":")
        out.string(op.node)
        if op.kind == .remove {
            out.raw(",\"removes\":")
            dots(op.removes, into: &out)
        }
        if op.kind == .set {
            out.raw(",\"replaces\":")
            dots(op.replaces, into: &out)
        }
        out.raw(",\"row\":")
        out.string(op.row)
        out.raw(",\"seq\":")
        out.unsigned(op.seq)
        if op.kind == .set {
            out.raw(",\"value\":")
            try value(op.value ?? .null, into: &out)
        }
        out.byte(UInt8(ascii: "}"))
    }

    /// Appends a value as a JSON scalar.
    public static func value(_ value: Value, into out: inout JSONOutput) throws(NonFiniteNumber) {
        switch value {
        case .null: out.raw("null")
        case .bool(let b): out.bool(b)
        case .integer(let i): out.integer(i)
        case .real(let d): try out.double(d)
        case .text(let s): out.string(s)
        }
    }

    static func dots(_ dots: [Dot], into out: inout JSONOutput) {
        out.byte(UInt8(ascii: "["))
        for (i, dot) in dots.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.dot(dot)
        }
        out.byte(UInt8(ascii: "]"))
    }

    // MARK: Reading

    /// The op in a JSON text (validated whole first: a syntax error is ``JSONReadError/Kind/syntax``).
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONReadError) -> Op {
        var reader = try JSONReader(validating: bytes)
        return try read(from: &reader)
    }

    /// The op in a JSON text.
    public static func decode(_ text: String) throws(JSONReadError) -> Op {
        var text = text
        return try text.withUTF8 { bytes in Result { () throws(JSONReadError) -> Op in try decode(bytes) } }.get()
    }

    /// The dot (`node`, `seq`) of one op's JSON text, read without decoding the rest: what a
    /// store checks before it sends text it keeps as it is. Nil unless the text is one well-formed
    /// JSON object whose `node` is a string and whose `seq` a whole number of at least 1 (the first
    /// of repeated members, as ``decode(_:)-(UnsafeBufferPointer<UInt8>)`` reads them).
    public static func dot(ofEncoded bytes: UnsafeBufferPointer<UInt8>) -> Dot? {
        guard var reader = try? JSONReader(validating: bytes), reader.enterObject() else { return nil }
        var node: String??
        var seq: UInt64??
        while let key = reader.nextMember() {
            let at = reader.position
            if node == nil, reader.matches(key, "node") {
                node = .some(reader.readString())
            } else if seq == nil, reader.matches(key, "seq") {
                seq = .some(reader.readNumber().flatMap { reader.uint64($0) })
            }
            reader.position = at
            reader.skipValue()
        }
        guard let node = node ?? nil, let seq = seq ?? nil, seq >= 1 else { return nil }
        return Dot(node: node, seq: seq)
    }

    /// The JSON array of ops at the reader's cursor; errors carry `[index]` first in their path.
    /// Not an array is ``JSONReadError/Kind/wrongType`` (or `null`) with an empty path.
    public static func readArray(from reader: inout JSONReader) throws(JSONReadError) -> [Op] {
        guard reader.enterArray() else { throw reader.mismatch(expected: "an array of ops") }
        var ops: [Op] = []
        var index = 0
        while reader.nextElement() {
            do throws(JSONReadError) {
                ops.append(try read(from: &reader))
            } catch {
                throw error.under(.index(index))
            }
            index += 1
        }
        return ops
    }

    /// The op object at the reader's cursor, which moves past it.
    public static func read(from reader: inout JSONReader) throws(JSONReadError) -> Op {
        guard reader.enterObject() else { throw reader.mismatch(expected: "an op object") }
        var at = Members()
        while let key = reader.nextMember() {
            if let member = Member(key, reader), at[member] < 0 { at[member] = reader.position }
            reader.skipValue()
        }
        let end = reader.position
        var fields = FieldReader(reader: reader, at: at)
        let op = try fields.op()
        reader.position = end
        return op
    }

    /// The members of an op.
    enum Member: Int, CaseIterable {
        case collection, row, field, kind, node, seq, hlc, value, replaces, delta, element, removes, context, department, log

        /// The member's JSON key. Spelled out: interpolating an enum case (`"\(member)"`) goes
        /// through reflection, which cost a twentieth of a sync's CPU when every `replaces` read named its member.
        var name: String {
            switch self {
            case .collection: "collection"
            case .row: "row"
            case .field: "field"
            case .kind: "kind"
            case .node: "node"
            case .seq: "seq"
            case .hlc: "hlc"
            case .value: "value"
            case .replaces: "replaces"
            case .delta: "delta"
            case .element: "element"
            case .removes: "removes"
            case .context: "context"
            case .department: "department"
            case .log: "log"
            }
        }

        init?(_ key: JSONReader.RawString, _ reader: JSONReader) {
            guard let bytes = reader.plainBytes(key) else {
                let text = reader.text(key)
                guard let found = Member.allCases.first(where: { ExactText.equal($0.name, text) }) else { return nil }
                self = found
                return
            }
            func equals(_ name: StaticString) -> Bool {
                name.withUTF8Buffer { ExactText.sameBytes($0, bytes) }
            }
            switch bytes.count {
            case 3:
                if equals("row") { self = .row } else if equals("seq") { self = .seq } else if equals("hlc") { self = .hlc }
                else if equals("log") { self = .log } else { return nil }
            case 4:
                if equals("kind") { self = .kind } else if equals("node") { self = .node } else { return nil }
            case 5:
                if equals("field") { self = .field } else if equals("value") { self = .value } else if equals("delta") { self = .delta }
                else { return nil }
            case 7:
                if equals("element") { self = .element } else if equals("removes") { self = .removes }
                else if equals("context") { self = .context } else { return nil }
            case 8:
                if equals("replaces") { self = .replaces } else { return nil }
            case 10:
                if equals("collection") { self = .collection } else if equals("department") { self = .department } else { return nil }
            default:
                return nil
            }
        }
    }

    /// Where each member's value starts (-1: absent).
    struct Members {
        private var positions = (-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)

        subscript(member: Member) -> Int {
            get { withUnsafeBytes(of: positions) { $0.load(fromByteOffset: member.rawValue * MemoryLayout<Int>.stride, as: Int.self) } }
            set {
                withUnsafeMutableBytes(of: &positions) { $0.storeBytes(of: newValue, toByteOffset: member.rawValue * MemoryLayout<Int>.stride, as: Int.self) }
            }
        }
    }
}
