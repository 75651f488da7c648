/// A field value as it travels in a `set` op and sits in a register: a JSON scalar.
///
/// Dates, datetimes, enum members and refs are ``text(_:)``; the schema says which text is valid.
/// JSON `5` (and `5.0`) decodes as ``integer(_:)``, `5.5` as ``real(_:)``; ``jsonText`` prints
/// `.real(5)` as `5` too, so the distinction never reaches a canonical form. Texts are equal only
/// when their UTF-8 bytes are (``ExactText``): `.text("\u{2126}") != .text("\u{03A9}")`.
/// ```swift
/// let v: Value = .text("2027-04-20")
/// v.jsonText   // "\"2027-04-20\""
/// ```
public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case real(Double)
    case text(String)

    /// The value as compact JSON text; the canonical form used in hashes and replica columns.
    public var jsonText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .real(let d): return Value.canonical(d)
        case .text(let s): return JSONText.quote(s)
        }
    }

    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.real(let x), .real(let y)): return x == y
        case (.text(let x), .text(let y)): return ExactText.equal(x, y)
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .integer(let i): hasher.combine(2); hasher.combine(i)
        case .real(let d): hasher.combine(3); hasher.combine(d)
        case .text(let s): hasher.combine(4); ExactText.hash(s, into: &hasher)
        }
    }

    /// A short human form: text without quotes, numbers as written, `null` as empty.
    public var display: String {
        switch self {
        case .null: return ""
        case .text(let s): return s
        default: return jsonText
        }
    }

    /// Shortest round-trip text of a double; integral values print as integers. JSON carries `5.0`
    /// as `5`, which decodes as ``integer(_:)``: the writer's `.real(5)` and every other replica's
    /// `.integer(5)` must print alike, or replicas holding the same ops would hash differently.
    static func canonical(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if let i = Int64(exactly: d) { return String(i) }
        return d.description
    }
}

extension Value: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let i = try? c.decode(Int64.self) { self = .integer(i); return }
        if let d = try? c.decode(Double.self) { self = .real(d); return }
        if let s = try? c.decode(String.self) { self = .text(s); return }
        throw DecodingError.typeMismatch(Value.self, .init(codingPath: c.codingPath, debugDescription: "expected a JSON scalar (null, bool, number or string)"))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .integer(let i): try c.encode(i)
        case .real(let d): try c.encode(d)
        case .text(let s): try c.encode(s)
        }
    }
}

/// JSON text helpers for canonical forms (RFC 8259 string escaping).
public enum JSONText {
    /// `s` as a JSON string literal with the minimal escapes, exactly as ``JSONOutput`` writes it
    /// (docs/merge-semantics.md §8: `\"`, `\\`, `\n`, `\r`, `\t`, lowercase `\u00xx` for the other
    /// bytes below 0x20; everything else as its own UTF-8 bytes).
    public static func quote(_ s: String) -> String {
        // Most text needs no escape: one scan of the UTF-8 bytes, then a single copy.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + s + "\""
        }
        var out = JSONOutput(capacity: s.utf8.count + 8)
        out.string(s)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
