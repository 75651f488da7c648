import SyncModel

/// The compact text form of dot lists in metadata columns (`replaces`, `removes`, sibling dots):
/// `"a:1,b:2"`. Node ids never hold `:` or `,` (``SyncModel/NodeID``), so it needs no escaping.
/// Each dot is read by ``SyncModel/Dot/init(parsing:)``; version vectors are stored as their JSON
/// (``SyncModel/VersionVector/jsonText``).
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
}
