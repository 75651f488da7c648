import SyncModel

/// Compact text forms of dot lists and version vectors for metadata columns. Node ids never hold
/// `:`, `,`, `"` or `}` (``SyncModel/NodeID``), so these forms need no escaping.
enum DotText {
    /// `"a:1,b:2"`; empty text for no dots.
    static func join(_ dots: [Dot]) -> String {
        dots.map(\.description).joined(separator: ",")
    }

    /// The dots of ``join(_:)`` text; nil when one is malformed.
    static func split(_ text: String) -> [Dot]? {
        if text.isEmpty { return [] }
        var out: [Dot] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let dot = Dot(parsing: String(part)) else { return nil }
            out.append(dot)
        }
        return out
    }

    /// `{"a":1,"b":2}`, nodes sorted: the JSON object of the wire form.
    static func json(_ vv: VersionVector) -> String {
        "{" + vv.sorted.map { "\"\($0.node)\":\($0.seq)" }.joined(separator: ",") + "}"
    }

    /// Reads ``json(_:)`` text; nil when malformed.
    static func versionVector(_ text: String) -> VersionVector? {
        let utf8 = text.utf8
        guard utf8.first == UInt8(ascii: "{"), utf8.last == UInt8(ascii: "}") else { return nil }
        let body = text.dropFirst().dropLast()
        var entries: [String: UInt64] = [:]
        if body.isEmpty { return VersionVector() }
        for part in body.split(separator: ",", omittingEmptySubsequences: false) {
            guard part.count >= 4, part.first == "\"", let close = part.dropFirst().firstIndex(of: "\""),
                  part[part.index(after: close)] == ":" else { return nil }
            let node = String(part[part.index(after: part.startIndex)..<close])
            guard NodeID.isValid(node), let seq = UInt64(part[part.index(close, offsetBy: 2)...]), seq <= Dot.maxSeq else { return nil }
            entries[node] = seq
        }
        return VersionVector(entries)
    }
}
