import Foundation

/// Backpressure between the event loop and the task that consumes received lines: once
/// ``limit`` lines wait to be taken, the socket is not read, so the daemon's writes wait in TCP
/// (and on the daemon, whose catch-up waits for each write) instead of in this process. A
/// consumer that falls behind, such as `sync --watch` applying a long catch-up on a slow disk,
/// holds at most ``limit`` lines plus one framing round (``SyncProtocol/LineReader/roundBytes``,
/// or one line) in memory.
final class ReadDemand: @unchecked Sendable {
    /// Lines handed over and not taken at which reading stops: 2 (the reply being applied and the next).
    let limit: Int
    private let lock = NSLock()
    private var waiting = 0
    private var held = false

    init(limit: Int = 2) {
        self.limit = max(1, limit)
    }

    /// A line was handed to the consumer (on the event loop).
    func handedOver() {
        lock.withLock { waiting += 1 }
    }

    /// Whether a `read()` may go on to the socket now; false holds it until ``taken()`` says so
    /// (on the event loop).
    func mayRead() -> Bool {
        lock.withLock {
            guard waiting < limit else {
                held = true
                return false
            }
            return true
        }
    }

    /// The consumer took a line; true when a held `read()` must now be issued.
    func taken() -> Bool {
        lock.withLock {
            waiting = max(0, waiting - 1)
            guard held, waiting < limit else { return false }
            held = false
            return true
        }
    }

    /// Lines handed over and not yet taken.
    var waitingLines: Int { lock.withLock { waiting } }
}
