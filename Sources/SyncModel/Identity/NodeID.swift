/// Validation of node ids: the stable name of one replica, `[A-Za-z0-9._-]{1,64}` (DESIGN.md, "Identity and clocks").
///
/// ```swift
/// try NodeID.validate("sales-laptop")   // ok
/// try NodeID.validate("a:b")            // throws NodeIDError.invalid
/// ```
public enum NodeID {
    /// Longest accepted node id, in characters.
    public static let maxLength = 64

    /// Whether `text` is a well-formed node id.
    public static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= maxLength else { return false }
        for b in bytes {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// Throws ``NodeIDError/invalid(_:)`` unless `text` is a well-formed node id.
    public static func validate(_ text: String) throws(NodeIDError) {
        guard isValid(text) else { throw .invalid(text) }
    }
}

/// A malformed node id.
public enum NodeIDError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let text):
            return "invalid node id \"\(text.prefix(80))\": expected 1 to 64 characters of A-Z a-z 0-9 . _ -"
        }
    }
}
