/// An op-based PN-counter (Shapiro et al. 2011, §3.1.2): the value is the sum of every `inc` delta.
///
/// Each delta is applied once (ops are deduplicated by dot), and addition commutes, so replicas that
/// applied the same ops agree. The sum wraps at ±2^63 rather than trapping: wrapping addition is
/// still commutative and associative, so replicas keep converging even then.
///
/// Sums stay within ±2^53 (DESIGN.md, "Text and numbers") because writes that would leave it are
/// refused where they are made and where they are admitted (``sum(_:adding:)``): a local `inc` by
/// the replica, a pushed one by the daemon against the log's total (``Admission``).
/// ```swift
/// var c = PNCounter()
/// c.apply(delta: 5_000_000); c.apply(delta: 1_200_000)
/// c.value   // 6_200_000
/// PNCounter.sum(9_007_199_254_740_990, adding: 5)   // nil: beyond 2^53
/// ```
public struct PNCounter: Hashable, Sendable {
    public private(set) var value: Int64

    public init(value: Int64 = 0) { self.value = value }

    public mutating func apply(delta: Int64) {
        value = value &+ delta
    }

    /// `total + delta`, or nil when that would lie beyond ±2^53 (what a JSON number carries
    /// exactly) and further out than `total`. A total already beyond the bound (from before the
    /// daemon checked totals) may still move back toward it.
    public static func sum(_ total: Int64, adding delta: Int64) -> Int64? {
        let (sum, overflow) = total.addingReportingOverflow(delta)
        guard !overflow, sum.magnitude <= Dot.maxSeq || sum.magnitude < total.magnitude else { return nil }
        return sum
    }
}
