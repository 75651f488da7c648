/// Text that is equal, hashed and ordered by its UTF-8 bytes alone (DESIGN.md, "Text and numbers").
///
/// Swift's `String` `==`, `hash(into:)` and `<` follow Unicode canonical equivalence: U+2126 OHM
/// SIGN equals U+03A9 OMEGA, and a precomposed `é` equals `e` + U+0301. SQLite and the wire compare
/// bytes. Anything that must converge — set elements, row ids, values, sort orders — is keyed and
/// compared through this type (or its static functions), so two replicas never merge two texts
/// that one of them keeps apart.
///
/// ```swift
/// let ohm = ExactText("\u{2126}"), omega = ExactText("\u{03A9}")
/// "\u{2126}" == "\u{03A9}"        // true: String follows canonical equivalence
/// ohm == omega                    // false: different bytes
/// ExactText.less("B", "a")        // true: byte order, not locale order
/// ```
public struct ExactText: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The text itself, bytes untouched.
    public let string: String

    public init(_ string: String) { self.string = string }
    public init(stringLiteral value: String) { self.string = value }

    public var description: String { string }

    public static func == (a: ExactText, b: ExactText) -> Bool { equal(a.string, b.string) }
    public static func < (a: ExactText, b: ExactText) -> Bool { less(a.string, b.string) }

    public func hash(into hasher: inout Hasher) { ExactText.hash(string, into: &hasher) }

    /// Whether `a` and `b` have the same UTF-8 bytes.
    @inlinable
    public static func equal(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { pa in b.withUTF8 { pb in sameBytes(pa, pb) } }
    }

    /// Byte equality eight bytes at a time: ids and names are compared on every applied op, and
    /// `elementsEqual` went a byte at a time (about 500 instructions for a UUID).
    @inlinable
    public static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard a.baseAddress != b.baseAddress else { return true }
        let ra = UnsafeRawBufferPointer(a), rb = UnsafeRawBufferPointer(b)
        var i = 0
        while i + 8 <= ra.count {
            guard ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) else { return false }
            i += 8
        }
        while i < ra.count {
            guard ra[i] == rb[i] else { return false }
            i += 1
        }
        return true
    }

    /// Whether `a` and `b` have the same UTF-8 bytes; two absent texts are equal.
    @inlinable
    public static func equal(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let a?, let b?): return equal(a, b)
        default: return false
        }
    }

    /// Byte order of UTF-8 (unsigned, shorter prefix first): the order of every sort that must
    /// be the same everywhere, and the order SQLite's `BINARY` collation gives.
    @inlinable
    public static func less(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { pa in b.withUTF8 { pb in pa.lexicographicallyPrecedes(pb) } }
    }

    /// Feeds the UTF-8 bytes of `s` (and their count) to `hasher`.
    public static func hash(_ s: String, into hasher: inout Hasher) {
        var s = s
        s.withUTF8 { bytes in
            hasher.combine(bytes.count)
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
    }
}
