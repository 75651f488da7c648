/// The JSON forms of a register value and of a version vector, read with ``JSONReader`` and
/// written with ``JSONOutput``: one home for the op codec (``OpJSON``: `value`, `context`) and
/// for the replica's metadata columns (SyncStore), which hold the same forms.
extension JSONReader {
    /// The JSON scalar at the cursor as a ``Value``, by the wire's number rules (protocol/PROTOCOL.md
    /// §1): any spelling of a whole number is ``Value/integer(_:)`` (`5`, `5.0`, `5e0`), other
    /// numbers ``Value/real(_:)``. Throws ``JSONReadError/Kind/wrongType`` for an object or array
    /// and, with `limited` (input from outside), ``JSONReadError/Kind/invalid`` for a number beyond
    /// ±2^53 as written; paths are relative.
    public mutating func readValue(limited: Bool = true) throws(JSONReadError) -> Value {
        let scalar = "expected a JSON scalar (null, bool, number or string)"
        switch type() {
        case .null:
            _ = readNull()
            return .null
        case .bool:
            return .bool(readBool() ?? false)
        case .string:
            return .text(readString() ?? "")
        case .number:
            if let n = readNumber() {
                if limited, NumberText.isBeyondLimit(digits(n)) { throw beyondLimit(n) }
                if let i = int64(n) { return .integer(i) }
                if let d = double(n) { return .real(d) }
            }
            throw JSONReadError(.wrongType, scalar)
        case .object, .array:
            throw JSONReadError(.wrongType, scalar)
        }
    }

    /// The object of node → seq at the cursor (`{"sales-laptop":4}`), as a `context` carries it:
    /// every node a valid ``NodeID``, every seq an integer from 0 to 2^53; a repeated node keeps its
    /// first seq. Throws ``JSONReadError`` with a path relative to the object.
    public mutating func readVersionVector() throws(JSONReadError) -> VersionVector {
        guard enterObject() else { throw mismatch(expected: "an object of node → seq") }
        var entries: [String: UInt64] = [:]
        while let key = nextMember() {
            let node = text(key)
            guard let n = readNumber() else { throw mismatch(expected: "a number").under(.key(node)) }
            if NumberText.isBeyondLimit(digits(n)) { throw beyondLimit(n).under(.key(node)) }
            guard let seq = uint64(n) else {
                let text = String(decoding: digits(n), as: UTF8.self)
                throw JSONReadError(.invalid, "number \(text.prefix(40)) does not fit in UInt64", path: [.key(node)])
            }
            if entries[node] == nil { entries[node] = seq }
        }
        for (node, seq) in entries where !NodeID.isValid(node) || seq > Dot.maxSeq {
            throw JSONReadError(.invalid, "invalid version vector entry \"\(node.prefix(80))\": \(seq)")
        }
        return VersionVector(entries)
    }

    /// A number whose exact value lies beyond ±2^53, though a double or Foundation's decoder
    /// would round or truncate it into range (`9007199254740992.5`): refused as written.
    public func beyondLimit(_ n: RawNumber) -> JSONReadError {
        let text = String(decoding: digits(n), as: UTF8.self)
        return JSONReadError(.invalid, "number \(text.prefix(40)) is beyond ±2^53")
    }

    /// Reads one whole JSON text (validated first, so it is one value and white space) with
    /// `read`; nil when the text is not JSON or `read` throws.
    static func readWhole<T>(_ text: String, _ read: (inout JSONReader) throws(JSONReadError) -> T) -> T? {
        var text = text
        return text.withUTF8 { bytes -> T? in
            guard var reader = try? JSONReader(validating: bytes) else { return nil }
            return try? read(&reader)
        }
    }
}

extension Value {
    /// Reads ``jsonText`` back (a replica's value columns): one JSON scalar and nothing else, by the
    /// rules of ``JSONReader/readValue(limited:)``, without the ±2^53 limit (what a column holds
    /// passed validation when it was written); nil otherwise.
    public init?(jsonText: String) {
        guard let value = JSONReader.readWhole(jsonText, { (reader: inout JSONReader) throws(JSONReadError) in try reader.readValue(limited: false) }) else { return nil }
        self = value
    }
}

extension VersionVector {
    /// `{"a":1,"b":2}`: nodes in byte order, the JSON object of the wire's `context`.
    public var jsonText: String {
        var out = JSONOutput(capacity: 16 + entries.count * 24)
        out.versionVector(self)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Reads ``jsonText`` back, by the rules of ``JSONReader/readVersionVector()``; nil otherwise.
    public init?(jsonText: String) {
        guard let vv = JSONReader.readWhole(jsonText, { (reader: inout JSONReader) throws(JSONReadError) in try reader.readVersionVector() }) else { return nil }
        self = vv
    }
}

extension JSONOutput {
    /// Writes a version vector as a JSON object of node → seq, nodes in UTF-8 byte order (as
    /// Foundation sorts keys).
    public mutating func versionVector(_ vv: VersionVector) {
        byte(UInt8(ascii: "{"))
        var first = true
        for (node, seq) in vv.entries.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            if !first { byte(UInt8(ascii: ",")) }
            first = false
            string(node)
            byte(UInt8(ascii: ":"))
            unsigned(seq)
        }
        byte(UInt8(ascii: "}"))
    }
}
