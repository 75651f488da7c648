import NIOCore

/// Exponential reconnect delay: `initial`, then doubled after each failure up to `cap`; reset
/// after a session opens. ``next(jitter:)`` spreads each delay over its upper half, so laptops
/// that lost the daemon together do not come back in step. A value, so tests can step it.
struct Backoff: Sendable, Equatable {
    let initial: TimeAmount
    let cap: TimeAmount
    private(set) var current: TimeAmount

    init(initial: TimeAmount, cap: TimeAmount) {
        self.initial = max(initial, .milliseconds(1))
        self.cap = max(cap, self.initial)
        current = self.initial
    }

    /// The delay to wait now; the next one is twice as long, capped.
    mutating func next() -> TimeAmount {
        let delay = current
        current = current.nanoseconds > cap.nanoseconds / 2 ? cap : .nanoseconds(current.nanoseconds * 2)
        return delay
    }

    /// ``next()`` with "equal jitter": a delay uniformly between half of it and all of it, drawn
    /// from `generator` (seeded in tests).
    mutating func next(jitter generator: inout some RandomNumberGenerator) -> TimeAmount {
        let full = next().nanoseconds
        let half = full / 2
        return .nanoseconds(half + Int64.random(in: 0...max(0, full - half), using: &generator))
    }

    /// Back to the initial delay.
    mutating func reset() { current = initial }
}
