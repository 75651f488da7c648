/// An observed-remove set of text, add wins (Bieniusa et al. 2012, "An optimized conflict-free
/// replicated set"; Shapiro et al. 2011, §3.3.5 "OR-Set").
///
/// Each `add` is tagged by its dot; a `remove` names the add dots its writer observed. An element is
/// present while some add dot of it has not been removed, so an add concurrent with a remove wins.
/// Elements are distinct when their UTF-8 bytes are (``ExactText``): `"\u{2126}"` and `"\u{03A9}"`
/// are two elements, and removing one leaves the other.
/// ```swift
/// var s = ORSet()
/// s.add("社交媒体", dot: a1)
/// s.remove("社交媒体", observed: [a1])   // gone
/// ```
public struct ORSet: Hashable, Sendable {
    /// element → live add dots.
    public private(set) var tags: [ExactText: Set<Dot>]

    public init(tags: [ExactText: Set<Dot>] = [:]) {
        self.tags = tags.filter { !$0.value.isEmpty }
    }

    /// Present elements, sorted by their UTF-8 bytes (the canonical order).
    public var elements: [String] { tags.keys.sorted().map(\.string) }

    /// Live add dots of `element`, sorted; empty when absent.
    public func observed(_ element: String) -> [Dot] { (tags[ExactText(element)] ?? []).sorted() }

    public func contains(_ element: String) -> Bool { tags[ExactText(element)] != nil }

    public mutating func add(_ element: String, dot: Dot) {
        tags[ExactText(element), default: []].insert(dot)
    }

    /// Removes the named add dots of `element`; dots it does not hold are ignored.
    public mutating func remove(_ element: String, observed: [Dot]) {
        let key = ExactText(element)
        guard var live = tags[key] else { return }
        live.subtract(observed)
        tags[key] = live.isEmpty ? nil : live
    }

    /// Applies an `add` or `remove` op; other kinds are ignored.
    public mutating func apply(_ op: Op) {
        guard let element = op.element else { return }
        switch op.kind {
        case .add: add(element, dot: op.dot)
        case .remove: remove(element, observed: op.removes)
        case .set, .inc: break
        }
    }
}
