/// A dot names one op uniquely and forever: the node that made it and that node's sequence number.
///
/// On the wire a dot is the string `"node:seq"` (DESIGN.md), for example `"sales-laptop:17"`.
/// Dots order by node (UTF-8 bytes), then seq, which is the order used in canonical forms. Node ids
/// are ASCII (``NodeID``), where `String` equality and bytes agree.
public struct Dot: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Largest sequence number: JSON numbers stay within 2^53.
    public static let maxSeq: UInt64 = 1 << 53

    /// The node that made the op.
    public let node: String
    /// The node's sequence number of the op, from 1, without gaps.
    public let seq: UInt64

    /// Makes a dot; no validation, use ``init(parsing:)`` for untrusted text.
    public init(node: String, seq: UInt64) {
        self.node = node
        self.seq = seq
    }

    /// Parses `"node:seq"`; returns nil for a bad node id, a seq of 0 or above 2^53.
    public init?(parsing text: String) {
        var text = text
        guard let dot = text.withUTF8({ Dot(utf8: $0) }) else { return nil }
        self = dot
    }

    /// ``init(parsing:)`` of UTF-8 bytes (the one reader of the text form; the op codec reads
    /// dots straight from the line's bytes).
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard let colon = bytes.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        let digits = UnsafeBufferPointer(rebasing: bytes[(colon + 1)...])
        guard !digits.isEmpty, digits.count <= 16, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        var seq: UInt64 = 0
        for d in digits { seq = seq * 10 + UInt64(d - 48) }
        guard seq >= 1, seq <= Dot.maxSeq else { return nil }
        let node = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<colon]), as: UTF8.self)
        guard NodeID.isValid(node) else { return nil }
        self.init(node: node, seq: seq)
    }

    /// The wire form `"node:seq"`.
    public var description: String { "\(node):\(seq)" }

    public static func < (lhs: Dot, rhs: Dot) -> Bool {
        lhs.node != rhs.node ? ExactText.less(lhs.node, rhs.node) : lhs.seq < rhs.seq
    }
}

extension Dot: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let dot = Dot(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid dot \"\(text.prefix(80))\": expected \"node:seq\"")
        }
        self = dot
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
