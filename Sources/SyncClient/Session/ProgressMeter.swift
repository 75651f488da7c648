/// Counts what a sync or watch session moved and turns it into ``SyncProgress`` events.
struct ProgressMeter {
    private let started = ContinuousClock.now
    private(set) var pushed = 0
    private(set) var pulled = 0
    /// Work known at the start (outbox plus the server's head minus the cursor).
    var expected: Int

    init(expected: Int) { self.expected = expected }

    mutating func pushed(_ n: Int) -> SyncProgress { pushed += n; return progress }
    mutating func pulled(_ n: Int) -> SyncProgress { pulled += n; return progress }

    var progress: SyncProgress {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return SyncProgress(pushed: pushed, pulled: pulled, remaining: max(0, expected - pushed - pulled), elapsed: seconds)
    }
}
