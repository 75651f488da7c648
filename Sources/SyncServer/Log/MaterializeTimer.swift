/// When the daemon brings its readable replica tables up to the log (``SyncModel/ServerLogStorage/materialize()``):
/// once commits have paused for a quiet period, and while they keep coming at least every
/// `maxDelay` after the first commit still waiting. Materializing applies every op again on the
/// same file, competing with commits for the one writer and for the CPU; during a burst of
/// pushes it waits, and then catches up in one go. A pure value; ``LogHub`` keeps it under a lock
/// and runs the timer.
struct MaterializeTimer {
    enum Decision: Equatable {
        /// Materialize now.
        case run
        /// Look again after this many nanoseconds.
        case wait(UInt64)
        /// Nothing waits.
        case idle
    }

    let quietNanoseconds: UInt64
    let maxDelayNanoseconds: UInt64
    /// When the first commit not yet materialized landed.
    private var pendingSince: UInt64?
    private var lastCommit: UInt64 = 0
    private var armed = false

    init(quietNanoseconds: Int64, maxDelayNanoseconds: Int64) {
        self.quietNanoseconds = UInt64(max(0, quietNanoseconds))
        self.maxDelayNanoseconds = UInt64(max(0, maxDelayNanoseconds))
    }

    /// A commit with new ops landed at `now`; returns the delay to arm the timer with, nil when
    /// it is armed already.
    mutating func committed(at now: UInt64) -> UInt64? {
        lastCommit = now
        if pendingSince == nil { pendingSince = now }
        guard !armed else { return nil }
        armed = true
        return quietNanoseconds
    }

    /// The timer went off at `now`.
    mutating func fired(at now: UInt64) -> Decision {
        guard let since = pendingSince else {
            armed = false
            return .idle
        }
        let quietAt = lastCommit &+ quietNanoseconds
        let latest = since &+ maxDelayNanoseconds
        if now >= quietAt || now >= latest {
            pendingSince = nil
            armed = false
            return .run
        }
        return .wait(min(quietAt, latest) - now)
    }

    /// Takes whatever waits (for a materialization right now); true when something did.
    mutating func takeAll() -> Bool {
        defer { pendingSince = nil }
        return pendingSince != nil
    }
}
