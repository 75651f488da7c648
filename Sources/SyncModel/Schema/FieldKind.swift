/// The declared type of a field, which fixes its CRDT and which values it accepts.
///
/// Registers (multi-value register): text, integer, real, bool, date, datetime, enum, ref.
/// ``counter`` is a PN-counter; ``textSet`` an observed-remove set of text.
public enum FieldKind: Hashable, Sendable {
    /// UTF-8 text up to ``Schema/maxTextBytes``.
    case text
    /// A whole number within `range` (and always within ±2^53).
    case integer(ClosedRange<Int64>)
    /// A finite double within ±2^53 (no JSON number in the protocol exceeds 2^53 in magnitude).
    case real
    case bool
    /// A calendar date `YYYY-MM-DD`.
    case date
    /// An ISO 8601 date and time with seconds and a zone: `2027-02-01T10:00:00+08:00` or `…Z`.
    case datetime
    /// One of the listed members.
    case enumeration([String])
    /// The id of a row of the named collection.
    case ref(String)
    /// A PN-counter of whole units (money in minor units).
    case counter
    /// An observed-remove set of text elements, add wins.
    case textSet

    /// Integer with the widest range JSON allows.
    public static let anyInteger = FieldKind.integer(-(1 << 53)...(1 << 53))

    /// The merge family of the kind.
    public var crdt: CRDTFamily {
        switch self {
        case .counter: return .counter
        case .textSet: return .set
        default: return .register
        }
    }

    /// The op kinds a field of this kind accepts.
    public var acceptedOps: [OpKind] {
        switch crdt {
        case .register: return [.set]
        case .counter: return [.inc]
        case .set: return [.add, .remove]
        }
    }

    /// A short human name, used in error messages: "date (YYYY-MM-DD)", "one of low, medium, high", …
    public var expectation: String {
        switch self {
        case .text: return "text"
        case .integer(let r):
            return r == FieldKind.anyInteger.integerRange ? "a whole number" : "a whole number from \(r.lowerBound) to \(r.upperBound)"
        case .real: return "a number within ±2^53"
        case .bool: return "true or false"
        case .date: return "a date YYYY-MM-DD"
        case .datetime: return "a datetime YYYY-MM-DDThh:mm:ss with Z or ±hh:mm"
        case .enumeration(let members): return "one of " + members.joined(separator: ", ")
        case .ref(let target): return "the id of a row of \(target)"
        case .counter: return "a counter (change it with inc)"
        case .textSet: return "a set of text (change it with add and remove)"
        }
    }

    var integerRange: ClosedRange<Int64>? {
        if case .integer(let r) = self { return r }
        return nil
    }
}

/// The three CRDT families a field can merge with.
public enum CRDTFamily: String, Sendable {
    /// Multi-value register (Shapiro et al. 2011).
    case register
    /// PN-counter (Shapiro et al. 2011).
    case counter
    /// Observed-remove set, add wins (Bieniusa et al. 2012).
    case set
}
