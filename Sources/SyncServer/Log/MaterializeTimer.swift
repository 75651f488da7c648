/// When the daemon brings its readable replica tables up to the log (``SyncModel/ServerLogStorage/materialize()``).
/// Materializing applies every op again on the same file, competing with commits for the one
/// writer and for the CPU. A small backlog (a few edits) goes at once, in a short transaction; a
/// bigger one (a burst of pushes) waits until commits pause for the quiet period, and at the
/// latest `maxDelay` after its first commit, then catches up in one go. A pure value; ``LogHub``
/// keeps it under a lock and runs the timer.
struct MaterializeTimer {
    enum Decision: Equatable {
        /// Materialize now.
        case run
        /// Look again after this many nanoseconds.
        case wait(UInt64)
        /// Nothing waits.
        case idle
    }

    /// Backlogs up to this many ops are materialized without waiting for a pause.
    static let promptOps = 256

    let quietNanoseconds: UInt64
    let maxDelayNanoseconds: UInt64
    /// When the first commit not yet materialized landed.
    private var pendingSince: UInt64?
    private var pendingOps = 0
    private var lastCommit: UInt64 = 0
    private var armed = false

    init(quietNanoseconds: Int64, maxDelayNanoseconds: Int64) {
        self.quietNanoseconds = UInt64(max(0, quietNanoseconds))
        self.maxDelayNanoseconds = UInt64(max(0, maxDelayNanoseconds))
    }

    /// A commit of `ops` new ops landed at `now`; returns the delay to arm the timer with, nil
    /// when it is armed already.
    mutating func committed(ops: Int, at now: UInt64) -> UInt64? {
        lastCommit = now
        pendingOps += ops
        if pendingSince == nil { pendingSince = now }
        guard !armed else { return nil }
        armed = true
        return pendingOps <= MaterializeTimer.promptOps ? 0 : quietNanoseconds
    }

    /// The timer went off at `now`.
    mutating func fired(at now: UInt64) -> Decision {
        guard let since = pendingSince else {
            armed = false
            return .idle
        }
        let quietAt = lastCommit &+ quietNanoseconds
        let latest = since &+ maxDelayNanoseconds
        if pendingOps <= MaterializeTimer.promptOps || now >= quietAt || now >= latest {
            _ = takeAll()
            armed = false
            return .run
        }
        return .wait(min(quietAt, latest) - now)
    }

    /// Takes whatever waits (for a materialization right now); true when something did.
    mutating func takeAll() -> Bool {
        defer {
            pendingSince = nil
            pendingOps = 0
        }
        return pendingSince != nil
    }
}
