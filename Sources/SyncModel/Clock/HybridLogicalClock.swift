/// A hybrid logical clock (Kulkarni et al. 2014, Algorithm 3): readings never go backwards,
/// stay close to the wall clock, and order causally related events.
///
/// The clock is a value; the caller passes the wall clock in milliseconds so tests control time.
/// ```swift
/// var clock = HybridLogicalClock()
/// let a = try clock.now(wallMilliseconds: 1_000)          // 1000:0
/// let b = try clock.now(wallMilliseconds: 1_000)          // 1000:1, same millisecond
/// let c = try clock.receive(remote, wallMilliseconds: 999) // after both, even if the wall clock stepped back
/// ```
/// When the counter would pass 0xFFFF the clock moves to the next millisecond (a logical step ahead
/// of the wall clock), so readings stay strictly increasing.
public struct HybridLogicalClock: Sendable, Equatable {
    /// Default maximum a remote reading may be ahead of the wall clock: 5 minutes.
    public static let defaultMaxSkewMilliseconds: UInt64 = 5 * 60 * 1000

    /// The last reading issued or received.
    public private(set) var last: HLCTimestamp
    /// How far ahead of the wall clock a remote reading may be, in milliseconds.
    public var maxSkewMilliseconds: UInt64

    public init(last: HLCTimestamp = .zero, maxSkewMilliseconds: UInt64 = HybridLogicalClock.defaultMaxSkewMilliseconds) {
        self.last = last
        self.maxSkewMilliseconds = maxSkewMilliseconds
    }

    /// Send / local event rule: l = max(l, pt); the counter advances when l did not move.
    public mutating func now(wallMilliseconds wall: UInt64) throws(HLCError) -> HLCTimestamp {
        let l = last.milliseconds
        let next: HLCTimestamp
        if wall > l {
            next = try HLCTimestamp(milliseconds: wall, counter: 0)
        } else {
            next = try HybridLogicalClock.increment(last)
        }
        last = next
        return next
    }

    /// Receive rule: l = max(l, lm, pt) with the counter advanced as in Kulkarni et al. 2014.
    /// Throws ``HLCError/clockSkew(remote:wallMilliseconds:allowedMilliseconds:)`` and leaves the
    /// clock unchanged when `remote` is more than ``maxSkewMilliseconds`` ahead of `wall`.
    @discardableResult
    public mutating func receive(_ remote: HLCTimestamp, wallMilliseconds wall: UInt64) throws(HLCError) -> HLCTimestamp {
        try checkSkew(remote, wallMilliseconds: wall)
        return try merge(remote, wallMilliseconds: wall)
    }

    /// The receive rule without the skew check (Kulkarni et al. 2014, Algorithm 3):
    /// l' = max(l, l_m, pt); c' = max(c, c_m) + 1 when l' = l = l_m, c + 1 when only l' = l,
    /// c_m + 1 when only l' = l_m, and 0 when the wall clock is ahead of both. For readings that
    /// were already judged (ops from the server's log, which refused those too far ahead of it):
    /// a local wall clock running behind must not refuse them.
    @discardableResult
    public mutating func merge(_ remote: HLCTimestamp, wallMilliseconds wall: UInt64) throws(HLCError) -> HLCTimestamp {
        let l = last.milliseconds, lm = remote.milliseconds
        let top = max(l, lm, wall)
        let next: HLCTimestamp
        if top == l && top == lm {
            next = try HybridLogicalClock.increment(max(last, remote))
        } else if top == l {
            next = try HybridLogicalClock.increment(last)
        } else if top == lm {
            next = try HybridLogicalClock.increment(remote)
        } else {
            next = try HLCTimestamp(milliseconds: top, counter: 0)
        }
        last = next
        return next
    }

    /// Throws when `remote` is more than the allowed skew ahead of `wall`; changes nothing.
    public func checkSkew(_ remote: HLCTimestamp, wallMilliseconds wall: UInt64) throws(HLCError) {
        if remote.milliseconds > wall, remote.milliseconds - wall > maxSkewMilliseconds {
            throw .clockSkew(remote: remote, wallMilliseconds: wall, allowedMilliseconds: maxSkewMilliseconds)
        }
    }

    /// The next reading after `t`: counter + 1, or the next millisecond when the counter is full.
    static func increment(_ t: HLCTimestamp) throws(HLCError) -> HLCTimestamp {
        if t.counter == UInt16.max {
            return try HLCTimestamp(milliseconds: t.milliseconds + 1, counter: 0)
        }
        return HLCTimestamp(raw: t.raw + 1)
    }
}
