/// A version vector: node → highest seq seen from that node (Parker et al. 1983).
///
/// Used as a row's `row_vv`, as the `context` of a `_deleted` set, and as the applied-dot
/// high-water marks of a replica. On the wire it is a JSON object `{"node": seq, …}`.
public struct VersionVector: Hashable, Sendable, Codable {
    /// node → highest seq; absent means 0.
    public private(set) var entries: [String: UInt64]

    public init(_ entries: [String: UInt64] = [:]) {
        self.entries = entries.filter { $0.value > 0 }
    }

    /// The highest seq of `node`, 0 when none.
    public subscript(node: String) -> UInt64 {
        entries[node] ?? 0
    }

    /// Raises `node`'s entry to `seq` if it is higher.
    public mutating func observe(_ dot: Dot) {
        if dot.seq > self[dot.node] { entries[dot.node] = dot.seq }
    }

    /// Whether the dot is at or below this vector (already seen).
    public func contains(_ dot: Dot) -> Bool {
        dot.seq <= self[dot.node]
    }

    /// Whether every entry of `other` is at or below this vector.
    public func covers(_ other: VersionVector) -> Bool {
        other.entries.allSatisfy { self[$0.key] >= $0.value }
    }

    /// Entries sorted by node, for canonical forms.
    public var sorted: [(node: String, seq: UInt64)] {
        entries.sorted { ExactText.less($0.key, $1.key) }.map { (node: $0.key, seq: $0.value) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode([String: UInt64].self)
        for (node, seq) in raw where !NodeID.isValid(node) || seq > Dot.maxSeq {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid version vector entry \"\(node.prefix(80))\": \(seq)")
        }
        self.init(raw)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(entries)
    }
}
