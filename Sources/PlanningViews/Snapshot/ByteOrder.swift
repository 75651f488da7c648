/// Text compared, keyed and sorted by its UTF-8 bytes (DESIGN.md, "Text and numbers"): Swift's
/// `String` equality would merge canonically equivalent ids and names that the model keeps apart.
public struct ExactKey: Hashable, Comparable, Sendable {
    /// The text's UTF-8 bytes.
    public let bytes: [UInt8]

    /// The key of `text`.
    public init(_ text: String) { bytes = Array(text.utf8) }

    /// UTF-8 byte order.
    public static func < (a: ExactKey, b: ExactKey) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}

/// Byte-order helpers for the views' deterministic sorting.
enum ByteOrder {
    /// Whether `a` sorts before `b` by UTF-8 bytes.
    static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// Whether two texts are the same bytes.
    static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
}
