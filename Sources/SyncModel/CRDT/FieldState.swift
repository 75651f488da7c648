/// The merge state of one field of one row, by CRDT family.
public enum FieldState: Hashable, Sendable {
    case register(MultiValueRegister)
    case counter(PNCounter)
    case set(ORSet)

    /// The empty state of a field of `family`.
    public init(empty family: CRDTFamily) {
        switch family {
        case .register: self = .register(MultiValueRegister())
        case .counter: self = .counter(PNCounter())
        case .set: self = .set(ORSet())
        }
    }

    /// Applies `op` (whose kind the schema has matched to this family). Returns the register
    /// siblings the op dropped, empty for counters and sets.
    @discardableResult
    public mutating func apply(_ op: Op) -> [Sibling] {
        switch self {
        case .register(var r):
            let dropped = r.apply(op)
            self = .register(r)
            return dropped
        case .counter(var c):
            c.apply(delta: op.delta ?? 0)
            self = .counter(c)
        case .set(var s):
            s.apply(op)
            self = .set(s)
        }
        return []
    }

    /// The shown value: register winner, counter sum, or the sorted elements as a JSON array of text.
    public var shown: Value {
        switch self {
        case .register(let r): return r.value
        case .counter(let c): return .integer(c.value)
        case .set(let s): return .text("[" + s.elements.map(JSONText.quote).joined(separator: ",") + "]")
        }
    }
}
