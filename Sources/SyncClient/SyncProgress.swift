/// Counters for a progress line: `pushed 3,000 / pulled 12,000 (8,400 ops/s)`.
public struct SyncProgress: Sendable, Equatable {
    /// Own ops acknowledged so far (appended or duplicate).
    public var pushed: Int
    /// Ops received so far.
    public var pulled: Int
    /// Ops that remain to be pushed and pulled, as far as the client knows (outbox size plus
    /// the server head minus the cursor at the start).
    public var remaining: Int
    /// Seconds since the sync started.
    public var elapsed: Double

    /// Counters as given; ``SyncClient`` makes these, tests and renderers may too.
    public init(pushed: Int, pulled: Int, remaining: Int, elapsed: Double) {
        self.pushed = pushed
        self.pulled = pulled
        self.remaining = remaining
        self.elapsed = elapsed
    }

    /// Ops moved per second since the start; 0 before any time has passed.
    public var opsPerSecond: Double {
        elapsed > 0 ? Double(pushed + pulled) / elapsed : 0
    }
}
