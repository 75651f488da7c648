import Foundation

/// What the log hub knows of its log beyond what it has delivered, for a log other daemons also
/// append to (``SyncModel/SharedLogStorage``): the highest head any read or commit has reported,
/// and whether a catch-up read is queued. Thread-safe: wakes and hellos arrive on any thread.
///
/// ```swift
/// if mark.noteHead(try storage.head()) { … }      // true: a head higher than any known before
/// if mark.claimCatchUp() { queue.async { mark.catchUpStarted(); read() } }
/// ```
final class LogWatermark: @unchecked Sendable {
    private let lock = NSLock()
    private var head: UInt64 = 0
    private var queued = false

    /// The highest log head noted so far (0 before any).
    var knownHead: UInt64 { lock.withLock { head } }

    /// Notes a head read from storage or reported by a commit; true when it is higher than any
    /// noted before (ops may exist that the hub has not delivered).
    @discardableResult
    func noteHead(_ newHead: UInt64) -> Bool {
        lock.withLock {
            guard newHead > head else { return false }
            head = newHead
            return true
        }
    }

    /// Marks a catch-up read as queued; false when one already is, and the caller queues nothing:
    /// that read, which has not started, will see what this wake was about.
    func claimCatchUp() -> Bool {
        lock.withLock {
            defer { queued = true }
            return !queued
        }
    }

    /// The queued read is starting: from now on a wake queues another, since the read may have
    /// begun before the commit it announces.
    func catchUpStarted() {
        lock.withLock { queued = false }
    }
}
