/// An op-based PN-counter (Shapiro et al. 2011, §3.1.2): the value is the sum of every `inc` delta.
///
/// Each delta is applied once (ops are deduplicated by dot), and addition commutes, so replicas that
/// applied the same ops agree. The sum wraps at ±2^63 rather than trapping: wrapping addition is
/// still commutative and associative, so replicas keep converging even then.
/// ```swift
/// var c = PNCounter()
/// c.apply(delta: 5_000_000); c.apply(delta: 1_200_000)
/// c.value   // 6_200_000
/// ```
public struct PNCounter: Hashable, Sendable {
    public private(set) var value: Int64

    public init(value: Int64 = 0) { self.value = value }

    public mutating func apply(delta: Int64) {
        value = value &+ delta
    }
}
