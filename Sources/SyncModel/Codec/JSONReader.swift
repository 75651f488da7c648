/// A cursor over one JSON text that ``JSONSyntax`` has validated: it reads values in place, without
/// building a document tree, so a decoder can visit members in the order its rules need while the
/// text keeps any member order. Only ``init(validating:)`` makes one, after validation, so every escape
/// and number it meets is well-formed; reads still check bounds and never trap.
///
/// ```swift
/// var reader = try JSONReader(validating: bytes)   // bytes: UnsafeBufferPointer<UInt8>
/// guard reader.enterObject() else { throw JSONReadError(.wrongType, "expected an object") }
/// var id: Int64?
/// while let key = reader.nextMember() {
///     if reader.matches(key, "id"), let n = reader.readNumber() { id = reader.int64(n) } else { reader.skipValue() }
/// }
/// ```
public struct JSONReader {
    /// The JSON type of a value.
    public enum ValueType: Hashable, Sendable {
        case object, array, string, number, bool, null
    }

    /// A string literal in the text: the bytes between its quotes.
    public struct RawString: Hashable, Sendable {
        public let start: Int
        public let end: Int
        /// Whether the literal holds backslash escapes (then its bytes are not its text).
        public let escaped: Bool
    }

    /// A number literal in the text.
    public struct RawNumber: Hashable, Sendable {
        public let start: Int
        public let end: Int
        /// Whether it has a fraction or an exponent (else it is a plain integer literal).
        public let decimal: Bool
    }

    let bytes: UnsafeBufferPointer<UInt8>
    /// Byte offset of the next thing to read; decoders save and restore it to revisit a member.
    public var position: Int

    /// Validates `bytes` as one JSON text (``JSONSyntax``) and puts the cursor at its value.
    /// Throws ``JSONReadError/Kind/syntax`` for text that is not well-formed. The reader points
    /// into `bytes`: use it only while they are alive.
    public init(validating bytes: UnsafeBufferPointer<UInt8>) throws(JSONReadError) {
        if let problem = JSONSyntax.problem(in: bytes) { throw JSONReadError(.syntax, problem) }
        self.bytes = bytes
        position = JSONSyntax.start(of: bytes)
    }

    // MARK: Looking

    @inline(__always)
    func at(_ i: Int) -> UInt8 { i >= 0 && i < bytes.count ? bytes[i] : 0 }

    @inline(__always)
    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// The type of the value at the cursor (whitespace skipped).
    public mutating func type() -> ValueType {
        skipSpace()
        switch at(position) {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default: return .number
        }
    }

    /// A short name of a JSON type for messages: "a string", "null", …
    public static func name(of type: ValueType) -> String {
        switch type {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a bool"
        case .null: "null"
        }
    }

    /// The error for a value of the wrong type at the cursor: ``JSONReadError/Kind/null`` for
    /// `null`, else ``JSONReadError/Kind/wrongType``.
    public mutating func mismatch(expected: String) -> JSONReadError {
        let found = type()
        return JSONReadError(found == .null ? .null : .wrongType, "expected \(expected), found \(JSONReader.name(of: found))")
    }

    // MARK: Scalars

    /// Consumes `null` if it is at the cursor.
    public mutating func readNull() -> Bool {
        guard type() == .null else { return false }
        position += 4
        return true
    }

    /// Consumes a bool if one is at the cursor.
    public mutating func readBool() -> Bool? {
        guard type() == .bool else { return nil }
        let value = at(position) == UInt8(ascii: "t")
        position += value ? 4 : 5
        return value
    }

    /// Consumes a string literal if one is at the cursor.
    public mutating func readRawString() -> RawString? {
        guard type() == .string else { return nil }
        let start = position + 1
        var i = start
        var escaped = false
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") {
                escaped = true
                i += 2
            } else {
                i += 1
            }
        }
        position = min(i + 1, bytes.count)
        return RawString(start: start, end: min(i, bytes.count), escaped: escaped)
    }

    /// Consumes a string if one is at the cursor and returns its text.
    public mutating func readString() -> String? {
        readRawString().map(text)
    }

    /// The text of a string literal, escapes resolved.
    public func text(_ raw: RawString) -> String {
        let literal = UnsafeBufferPointer(rebasing: bytes[raw.start..<raw.end])
        guard raw.escaped else { return String(decoding: literal, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: literal.count) { out in
            JSONReader.unescape(literal, into: out)
        }
    }

    /// Writes the text of an escaped literal (already validated) into `out`, which has room for
    /// `literal.count` bytes (escapes never grow); returns the byte count.
    static func unescape(_ literal: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var n = 0
        var i = 0
        func put(_ b: UInt8) {
            if n < out.count { out[n] = b; n += 1 }
        }
        while i < literal.count {
            let b = literal[i]
            guard b == UInt8(ascii: "\\"), i + 1 < literal.count else {
                put(b)
                i += 1
                continue
            }
            let e = literal[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): put(0x08)
            case UInt8(ascii: "f"): put(0x0C)
            case UInt8(ascii: "n"): put(0x0A)
            case UInt8(ascii: "r"): put(0x0D)
            case UInt8(ascii: "t"): put(0x09)
            case UInt8(ascii: "u"):
                var scalar = JSONSyntax.hex4(literal, at: i) ?? 0xFFFD
                i += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF, i + 1 < literal.count, literal[i] == UInt8(ascii: "\\"),
                   literal[i + 1] == UInt8(ascii: "u"), let low = JSONSyntax.hex4(literal, at: i + 2) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                let v = Unicode.Scalar(scalar)?.value ?? 0xFFFD
                switch v {
                case ..<0x80:
                    put(UInt8(v))
                case ..<0x800:
                    put(UInt8(0xC0 | v >> 6)); put(UInt8(0x80 | v & 0x3F))
                case ..<0x10000:
                    put(UInt8(0xE0 | v >> 12)); put(UInt8(0x80 | v >> 6 & 0x3F)); put(UInt8(0x80 | v & 0x3F))
                default:
                    put(UInt8(0xF0 | v >> 18)); put(UInt8(0x80 | v >> 12 & 0x3F))
                    put(UInt8(0x80 | v >> 6 & 0x3F)); put(UInt8(0x80 | v & 0x3F))
                }
            default: put(e)
            }
        }
        return n
    }

    /// Whether a string literal's text is `expected` (ASCII), without making a String when it has no escapes.
    public func matches(_ raw: RawString, _ expected: StaticString) -> Bool {
        guard !raw.escaped else { return ExactText.equal(text(raw), expected.description) }
        return expected.withUTF8Buffer { ExactText.sameBytes($0, UnsafeBufferPointer(rebasing: bytes[raw.start..<raw.end])) }
    }

    /// The bytes of a string literal without escapes (nil when it has some).
    public func plainBytes(_ raw: RawString) -> UnsafeBufferPointer<UInt8>? {
        raw.escaped ? nil : UnsafeBufferPointer(rebasing: bytes[raw.start..<raw.end])
    }

    /// Consumes a number literal if one is at the cursor.
    public mutating func readNumber() -> RawNumber? {
        guard type() == .number else { return nil }
        let start = position
        var decimal = false
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"):
                position += 1
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                decimal = true
                position += 1
            default:
                return RawNumber(start: start, end: position, decimal: decimal)
            }
        }
        return RawNumber(start: start, end: position, decimal: decimal)
    }

    /// The number's bytes.
    public func digits(_ n: RawNumber) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[n.start..<n.end])
    }

    // MARK: Containers

    /// Consumes `{` if an object is at the cursor.
    public mutating func enterObject() -> Bool {
        guard type() == .object else { return false }
        position += 1
        return true
    }

    /// The next member's key, with the cursor at its value (which the caller must read or skip);
    /// nil at the end of the object, whose `}` is consumed.
    public mutating func nextMember() -> RawString? {
        skipSpace()
        if at(position) == UInt8(ascii: ",") {
            position += 1
            skipSpace()
        }
        guard at(position) == UInt8(ascii: "\"") else {
            position = min(position + 1, bytes.count)
            return nil
        }
        let key = readRawString()
        skipSpace()
        position += 1   // ':'
        skipSpace()
        return key
    }

    /// Consumes `[` if an array is at the cursor.
    public mutating func enterArray() -> Bool {
        guard type() == .array else { return false }
        position += 1
        return true
    }

    /// Whether another element follows, with the cursor at it (which the caller must read or
    /// skip); false at the end of the array, whose `]` is consumed.
    public mutating func nextElement() -> Bool {
        skipSpace()
        if at(position) == UInt8(ascii: ",") {
            position += 1
            skipSpace()
            return position < bytes.count
        }
        if at(position) == UInt8(ascii: "]") || position >= bytes.count {
            position = min(position + 1, bytes.count)
            return false
        }
        return true
    }

    /// The bytes of the value at the cursor as written (a nested object or array whole), the
    /// cursor past it: to pass a value on without decoding it (snapshot records).
    public mutating func readRawValue() -> [UInt8] {
        skipSpace()
        let start = position
        skipValue()
        return Array(bytes[start..<min(position, bytes.count)])
    }

    /// Skips the value at the cursor, whatever it is.
    public mutating func skipValue() {
        switch type() {
        case .string: _ = readRawString()
        case .number: _ = readNumber()
        case .bool: _ = readBool()
        case .null: position += 4
        case .object, .array:
            var depth = 0
            while position < bytes.count {
                let b = bytes[position]
                switch b {
                case UInt8(ascii: "\""):
                    _ = readRawString()
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        position += 1
                        return
                    }
                default:
                    break
                }
                position += 1
            }
        }
    }
}
