import Foundation

/// Backpressure between the event loop and the task that consumes received lines: once lines
/// wait to be taken past a budget, the socket is not read, so the daemon's writes wait in TCP
/// (and on the daemon, whose catch-up waits for each write) instead of in this process.
///
/// Reading stops when at least ``minimumLines`` lines wait and either their bytes reach
/// ``byteBudget`` or ``maximumLines`` lines wait. A consumer that falls behind, such as
/// `sync --watch` applying a long catch-up on a slow disk, so holds the page it is applying, at
/// most two large pages waiting behind it or about ``byteBudget`` of small lines, and one framing
/// round (``SyncProtocol/LineReader/roundBytes``, or one line). Counting bytes rather than only
/// lines lets a watcher that fell behind on many small live `changes` find them all waiting and
/// apply them together (`WatchSession`), whatever the timing of the event loop's reads.
///
/// ```swift
/// let demand = ReadDemand(minimumLines: 2, byteBudget: 1 << 20)
/// demand.handedOver(bytes: 300)     // on the event loop, per line
/// if demand.taken(bytes: 300) { channel.read() }   // in the consumer, per line taken
/// ```
final class ReadDemand: @unchecked Sendable {
    /// Lines that may always wait to be taken, whatever their size: 2 by default.
    let minimumLines: Int
    /// Bytes of waiting lines (as received, before decoding) at which reading stops once
    /// ``minimumLines`` wait: 1 MiB by default.
    let byteBudget: Int
    /// Waiting lines at which reading stops however small they are: 256 by default.
    let maximumLines: Int
    private let lock = NSLock()
    private var waiting = 0
    private var waitingBytes = 0
    private var held = false

    init(minimumLines: Int = 2, byteBudget: Int = 1 << 20, maximumLines: Int = 256) {
        self.minimumLines = max(1, minimumLines)
        self.byteBudget = max(0, byteBudget)
        self.maximumLines = max(self.minimumLines, maximumLines)
    }

    /// A line of `bytes` bytes was handed to the consumer (on the event loop).
    func handedOver(bytes: Int) {
        lock.withLock {
            waiting += 1
            waitingBytes += bytes
        }
    }

    /// Whether a `read()` may go on to the socket now; false holds it until ``taken(bytes:)`` says
    /// so (on the event loop).
    func mayRead() -> Bool {
        lock.withLock {
            guard !full else {
                held = true
                return false
            }
            return true
        }
    }

    /// The consumer took a line of `bytes` bytes (as handed over); true when a held `read()` must
    /// now be issued.
    func taken(bytes: Int) -> Bool {
        lock.withLock {
            waiting = max(0, waiting - 1)
            waitingBytes = max(0, waitingBytes - bytes)
            guard held, !full else { return false }
            held = false
            return true
        }
    }

    /// Lines handed over and not yet taken.
    var waitingLines: Int { lock.withLock { waiting } }

    /// Whether the waiting lines use up the budget (under the lock).
    private var full: Bool {
        waiting >= minimumLines && (waitingBytes >= byteBudget || waiting >= maximumLines)
    }
}
