/// The rules as JSON, as `welcome.rules` and a replica's stored rules carry them:
/// `{"entries":[{"access":"write","collection":"incentives","departments":["hr"]},…],"version":"…"}`
/// (keys sorted, a field entry adds `"field"`), byte for byte what `JSONEncoder` with sorted keys
/// writes for ``AccessRules/Wire``.
extension AccessRules {
    /// The Codable form of the rules with their version.
    public struct Wire: Sendable, Hashable, Codable {
        public var entries: [Entry]
        public var version: String

        public init(entries: [Entry], version: String) {
            self.entries = entries
            self.version = version
        }
    }

    /// The rules with their version, for the wire.
    public var wire: Wire { Wire(entries: entries, version: version) }

    /// The entries' canonical JSON array (the bytes ``version`` hashes).
    func jsonBytes() -> [UInt8] {
        var out = JSONOutput(capacity: 64 * entries.count)
        AccessRules.write(entries, to: &out)
        return out.bytes
    }

    /// Writes `{"entries":[…],"version":"…"}`; `version` defaults to these rules' own (a
    /// department's subset travels with the version of the daemon's whole rules).
    public func writeJSON(to out: inout JSONOutput, version: String? = nil) {
        out.raw("{\"entries\":")
        AccessRules.write(entries, to: &out)
        out.raw(",\"version\":")
        out.string(version ?? self.version)
        out.raw("}")
    }

    /// `{"entries":[…],"version":"…"}` as text.
    public var jsonText: String {
        var out = JSONOutput(capacity: 128)
        writeJSON(to: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    private static func write(_ entries: [Entry], to out: inout JSONOutput) {
        out.raw("[")
        for (i, e) in entries.enumerated() {
            if i > 0 { out.raw(",") }
            out.raw("{\"access\":")
            out.string(e.access.rawValue)
            out.raw(",\"collection\":")
            out.string(e.collection)
            out.raw(",\"departments\":[")
            for (j, d) in e.departments.enumerated() {
                if j > 0 { out.raw(",") }
                out.string(d)
            }
            out.raw("]")
            if let field = e.field {
                out.raw(",\"field\":")
                out.string(field)
            }
            out.raw("}")
        }
        out.raw("]")
    }

    /// Reads `{"entries":[…],"version":"…"}` at the reader's cursor (unknown members skipped).
    /// Returns the rules and the version the text claims.
    public static func read(from reader: inout JSONReader) throws(JSONReadError) -> (rules: AccessRules, version: String) {
        guard reader.enterObject() else { throw reader.mismatch(expected: "object") }
        var entries: [Entry] = []
        var version = ""
        while let key = reader.nextMember() {
            if reader.matches(key, "entries") {
                guard reader.enterArray() else { throw reader.mismatch(expected: "array") }
                while reader.nextElement() { entries.append(try readEntry(from: &reader)) }
            } else if reader.matches(key, "version") {
                guard let v = reader.readString() else { throw reader.mismatch(expected: "string") }
                version = v
            } else {
                reader.skipValue()
            }
        }
        return (AccessRules(entries), version)
    }

    /// Reads rules from JSON text (a replica's stored rules); nil when the text is not such JSON.
    public static func read(jsonText: String) -> AccessRules? {
        var text = jsonText
        return text.withUTF8 { bytes -> AccessRules? in
            guard var reader = try? JSONReader(validating: bytes) else { return nil }
            return try? read(from: &reader).rules
        }
    }

    private static func readEntry(from reader: inout JSONReader) throws(JSONReadError) -> Entry {
        guard reader.enterObject() else { throw reader.mismatch(expected: "object") }
        var collection: String?, field: String?, access: Access?, departments: [String] = []
        while let key = reader.nextMember() {
            if reader.matches(key, "collection") {
                collection = reader.readString()
            } else if reader.matches(key, "field") {
                field = reader.readString()
            } else if reader.matches(key, "access") {
                access = reader.readString().flatMap(Access.init(rawValue:))
            } else if reader.matches(key, "departments") {
                guard reader.enterArray() else { throw reader.mismatch(expected: "array") }
                while reader.nextElement() {
                    guard let d = reader.readString() else { throw reader.mismatch(expected: "string") }
                    departments.append(d)
                }
            } else {
                reader.skipValue()
            }
        }
        guard let collection, let access else { throw JSONReadError(.missing, "a rules entry needs collection and access") }
        return Entry(collection: collection, field: field, access: access, departments: departments)
    }
}
