/// One concurrent value of a register: the `set` op that wrote it, reduced to what merge and display need.
public struct Sibling: Hashable, Sendable {
    public var dot: Dot
    public var hlc: HLCTimestamp
    public var value: Value
    /// The writer's `row_vv` when the sibling is a `_deleted` write; nil elsewhere.
    public var context: VersionVector?
    /// The department the server stamped on the op; nil while it is a local, unsent write.
    public var department: String?

    public init(dot: Dot, hlc: HLCTimestamp, value: Value, context: VersionVector? = nil, department: String? = nil) {
        self.dot = dot
        self.hlc = hlc
        self.value = value
        self.context = context
        self.department = department
    }

    /// The sibling written by a `set` op.
    public init(_ op: Op) {
        self.init(dot: op.dot, hlc: op.hlc, value: op.value ?? .null, context: op.context, department: op.department)
    }

    /// Equal when every member is, the department by its UTF-8 bytes (``ExactText``).
    public static func == (a: Sibling, b: Sibling) -> Bool {
        a.dot == b.dot && a.hlc == b.hlc && a.value == b.value && a.context == b.context
            && ExactText.equal(a.department, b.department)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(dot)
        hasher.combine(value)
    }

    /// Display order: greatest (hlc, node) first, so the winner is first.
    public static func displayOrder(_ a: Sibling, _ b: Sibling) -> Bool {
        a.hlc != b.hlc ? a.hlc > b.hlc : (a.dot.node != b.dot.node ? ExactText.less(b.dot.node, a.dot.node) : a.dot.seq > b.dot.seq)
    }
}

/// A multi-value register (Shapiro et al. 2011, §3.2.2 "MV-Register"), op-based with explicit `replaces`.
///
/// A `set` op names the sibling dots its writer saw; after it, siblings = old − replaced + new.
/// Two or more siblings are an open conflict; the shown value (``winner``) is the sibling with the
/// greatest (hlc, node). Applied in causal order the result does not depend on delivery order.
/// ```swift
/// var r = MultiValueRegister()
/// r.apply(set(a:1, "x", replaces: []))
/// r.apply(set(b:1, "y", replaces: [a:1]))   // siblings: [b:1]
/// r.apply(set(c:1, "z", replaces: [a:1]))   // concurrent with b:1 → siblings: [c:1, b:1], a conflict
/// ```
public struct MultiValueRegister: Hashable, Sendable {
    /// Current siblings in display order: the winner first.
    public private(set) var siblings: [Sibling]

    public init(siblings: [Sibling] = []) {
        self.siblings = siblings.sorted(by: Sibling.displayOrder)
    }

    /// The shown value's sibling: greatest (hlc, node); nil before any write.
    public var winner: Sibling? { siblings.first }
    /// The shown value, `null` before any write.
    public var value: Value { winner?.value ?? .null }
    /// Two or more siblings: an open conflict.
    public var isConflict: Bool { siblings.count > 1 }
    /// Sibling dots, sorted by dot (the canonical order).
    public var dots: [Dot] { siblings.map(\.dot).sorted() }

    /// Applies a `set`: drops the siblings it replaces, adds its own. Returns the dropped siblings.
    @discardableResult
    public mutating func apply(_ op: Op) -> [Sibling] {
        apply(Sibling(op), replacing: op.replaces)
    }

    /// Applies a write given as a sibling and the dots it replaces. Returns the dropped siblings.
    @discardableResult
    public mutating func apply(_ new: Sibling, replacing replaced: [Dot]) -> [Sibling] {
        var dropped: [Sibling] = []
        if !replaced.isEmpty {
            let names = Set(replaced)
            siblings.removeAll { s in
                if names.contains(s.dot) { dropped.append(s); return true }
                return false
            }
        }
        let at = siblings.firstIndex { Sibling.displayOrder(new, $0) } ?? siblings.endIndex
        siblings.insert(new, at: at)
        return dropped
    }
}
