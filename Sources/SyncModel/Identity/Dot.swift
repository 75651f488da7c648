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
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let node = String(text[..<colon])
        let digits = text[text.index(after: colon)...]
        guard NodeID.isValid(node), !digits.isEmpty, digits.count <= 16,
              digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let seq = UInt64(digits), seq >= 1, seq <= Dot.maxSeq else { return nil }
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
