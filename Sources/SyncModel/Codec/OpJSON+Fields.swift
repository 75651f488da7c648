extension OpJSON {
    /// Reads the members of one op, located by ``Members``, in the order and with the verdicts of
    /// `Op.init(from:)` (required → `missing`; `decodeIfPresent` → absent or `null` is nil).
    struct FieldReader {
        var reader: JSONReader
        let at: Members

        mutating func op() throws(JSONReadError) -> Op {
            let collection = try text(.collection)
            let row = try text(.row)
            let field = try text(.field)
            let kind = try self.kind()
            let node = try self.node()
            let seq = try unsigned(.seq)
            guard seq >= 1, seq <= Dot.maxSeq else { throw invalid(.seq, "seq \(seq) out of range 1…2^53") }
            let hlc = try self.hlc()
            let department = try optionalText(.department)
            let log = try optionalUnsigned(.log)
            if let log, log > Dot.maxSeq { throw invalid(.log, "log position \(log) beyond 2^53") }
            var op = Op(collection: collection, row: row, field: field, kind: kind, node: node, seq: seq, hlc: hlc,
                        department: department, log: log)
            switch kind {
            case .set:
                op.value = try value()
                op.replaces = try seek(.replaces) ? try dots(.replaces) : []
                op.context = try context()
                // Required on `_deleted` (PROTOCOL.md §5): its absence is a missing member, not a bad value.
                if op.context == nil, ExactText.equal(field, Op.deletedField) { throw missing(.context) }
            case .inc:
                guard try seek(.delta, required: true) else { throw missing(.delta) }
                let d = try number(.delta, "Int64") { reader, n in reader.int64(n) }
                guard d.magnitude <= Dot.maxSeq else { throw invalid(.delta, "delta \(d) beyond ±2^53") }
                op.delta = d
            case .add:
                op.element = try text(.element)
            case .remove:
                op.element = try text(.element)
                guard try seek(.removes, required: true) else { throw missing(.removes) }
                op.removes = try dots(.removes)
            }
            return op
        }

        // MARK: Locating

        /// Moves the cursor to the member's value. False when it is absent, or `null` and not
        /// `required` (then it reads as nil, as `decodeIfPresent` does).
        mutating func seek(_ member: Member, required: Bool = false) throws(JSONReadError) -> Bool {
            let position = at[member]
            guard position >= 0 else { return false }
            reader.position = position
            if !required, reader.type() == .null { return false }
            return true
        }

        func missing(_ member: Member) -> JSONReadError {
            JSONReadError(.missing, "\"\(member.name)\" is required", path: [.key(member.name)])
        }

        func invalid(_ member: Member, _ detail: String) -> JSONReadError {
            JSONReadError(.invalid, detail, path: [.key(member.name)])
        }

        mutating func mismatch(_ member: Member, expected: String) -> JSONReadError {
            reader.mismatch(expected: expected).under(.key(member.name))
        }

        /// The number at the cursor as `convert` makes it: not a number is a type mismatch, one
        /// that does not convert is invalid.
        mutating func number<T>(_ member: Member, _ type: String, _ convert: (JSONReader, JSONReader.RawNumber) -> T?) throws(JSONReadError) -> T {
            guard let n = reader.readNumber() else { throw mismatch(member, expected: "a number") }
            if NumberText.isBeyondLimit(reader.digits(n)) { throw beyondLimit(member, n) }
            guard let value = convert(reader, n) else {
                let text = String(decoding: reader.digits(n), as: UTF8.self)
                throw invalid(member, "number \(text.prefix(40)) does not fit in \(type)")
            }
            return value
        }

        /// ``JSONReader/beyondLimit(_:)`` under `member`.
        func beyondLimit(_ member: Member, _ n: JSONReader.RawNumber) -> JSONReadError {
            reader.beyondLimit(n).under(.key(member.name))
        }

        // MARK: Members

        mutating func text(_ member: Member) throws(JSONReadError) -> String {
            guard try seek(member, required: true) else { throw missing(member) }
            guard let s = reader.readString() else { throw mismatch(member, expected: "a string") }
            return s
        }

        mutating func optionalText(_ member: Member) throws(JSONReadError) -> String? {
            guard try seek(member) else { return nil }
            guard let s = reader.readString() else { throw mismatch(member, expected: "a string") }
            return s
        }

        mutating func unsigned(_ member: Member) throws(JSONReadError) -> UInt64 {
            guard try seek(member, required: true) else { throw missing(member) }
            return try number(member, "UInt64") { reader, n in reader.uint64(n) }
        }

        mutating func optionalUnsigned(_ member: Member) throws(JSONReadError) -> UInt64? {
            guard try seek(member) else { return nil }
            return try number(member, "UInt64") { reader, n in reader.uint64(n) }
        }

        mutating func kind() throws(JSONReadError) -> OpKind {
            guard try seek(.kind, required: true) else { throw missing(.kind) }
            guard let raw = reader.readRawString() else { throw mismatch(.kind, expected: "a string") }
            if reader.matches(raw, "set") { return .set }
            if reader.matches(raw, "inc") { return .inc }
            if reader.matches(raw, "add") { return .add }
            if reader.matches(raw, "remove") { return .remove }
            throw invalid(.kind, "unknown kind \"\(reader.text(raw).prefix(40))\": expected set, inc, add or remove")
        }

        mutating func node() throws(JSONReadError) -> String {
            let node = try text(.node)
            guard NodeID.isValid(node) else { throw invalid(.node, NodeIDError.invalid(node).description) }
            return node
        }

        mutating func hlc() throws(JSONReadError) -> HLCTimestamp {
            guard try seek(.hlc, required: true) else { throw missing(.hlc) }
            guard let raw = reader.readRawString() else { throw mismatch(.hlc, expected: "a string") }
            if let bytes = reader.plainBytes(raw), let value = OpJSON.hlc(bytes) { return value }
            let text = reader.text(raw)
            guard let value = HLCTimestamp(parsing: text) else {
                throw invalid(.hlc, "invalid hlc \"\(text.prefix(80))\": expected 16 lowercase hex digits")
            }
            return value
        }

        /// `value` of a set: required, and `null` is a value (it clears the field).
        mutating func value() throws(JSONReadError) -> Value {
            guard try seek(.value, required: true) else { throw missing(.value) }
            return try OpJSON.readValue(from: &reader, member: "value")
        }

        /// The array of dots at the cursor.
        mutating func dots(_ member: Member) throws(JSONReadError) -> [Dot] {
            try OpJSON.readDots(from: &reader, member: member.name)
        }

        /// `context`: absent or `null` is nil; else an object of node → seq.
        mutating func context() throws(JSONReadError) -> VersionVector? {
            guard try seek(.context) else { return nil }
            return try OpJSON.readVersionVector(from: &reader, member: "context")
        }
    }

    // MARK: Shared readers (ops, snapshot records, request members)

    /// A register value at the cursor (``JSONReader/readValue(limited:)``: a JSON scalar, `null`
    /// included; a number beyond ±2^53 as written is invalid). Errors carry `member` in their path.
    public static func readValue(from reader: inout JSONReader, member: String) throws(JSONReadError) -> Value {
        do throws(JSONReadError) { return try reader.readValue() } catch { throw error.under(.key(member)) }
    }

    /// The version vector at the cursor (``JSONReader/readVersionVector()``). Errors carry
    /// `member` in their path.
    public static func readVersionVector(from reader: inout JSONReader, member: String) throws(JSONReadError) -> VersionVector {
        do throws(JSONReadError) { return try reader.readVersionVector() } catch { throw error.under(.key(member)) }
    }

    /// The array of dots (`"node:seq"` strings) at the cursor. Errors carry `member` in their path.
    public static func readDots(from reader: inout JSONReader, member: String) throws(JSONReadError) -> [Dot] {
        guard reader.enterArray() else { throw reader.mismatch(expected: "an array of dots").under(.key(member)) }
        var dots: [Dot] = []
        var index = 0
        while reader.nextElement() {
            guard let raw = reader.readRawString() else {
                throw reader.mismatch(expected: "a dot string").under(.index(index)).under(.key(member))
            }
            if let bytes = reader.plainBytes(raw), let dot = Dot(utf8: bytes) {
                dots.append(dot)
            } else {
                let text = reader.text(raw)
                guard let dot = Dot(parsing: text) else {
                    throw JSONReadError(.invalid, "invalid dot \"\(text.prefix(80))\": expected \"node:seq\"",
                                        path: [.key(member), .index(index)])
                }
                dots.append(dot)
            }
            index += 1
        }
        return dots
    }

    /// 16 lowercase hex digits, straight from the bytes (``Hex/uint64(digits:)``).
    static func hlc(_ bytes: UnsafeBufferPointer<UInt8>) -> HLCTimestamp? {
        Hex.uint64(digits: bytes).map(HLCTimestamp.init(raw:))
    }
}
