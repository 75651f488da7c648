/// What a ``SyncClient`` reports while it works, through ``SyncClientOptions/onEvent``.
public enum SyncEvent: Sendable, Equatable {
    /// A session opened: the server's node id, the department the token is bound to, and its head.
    case connected(server: String, department: String, head: UInt64)
    /// The local clock is this many milliseconds away from the server's (positive: local is
    /// ahead). Sent when the distance exceeds ``SyncClientOptions/clockWarningMilliseconds``.
    case clockDrift(milliseconds: Int64)
    /// Ops moved so far in this sync or watch session.
    case progress(SyncProgress)
    /// A live `changes` batch was applied by `watch`: how many ops, and the new cursor.
    case applied(ops: Int, cursor: UInt64)
    /// `watch` lost its session and retries after `retryIn` (seconds).
    case disconnected(SyncClientError, retryIn: Double)
}

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
