import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The daemon's threads for catch-up reads: the pages of the log and of the snapshot that a
/// client behind the head is sent (a pull served from storage, a subscription's backlog, a lagging
/// subscriber's next page), read from storage and encoded.
///
/// On Linux they run under the `SCHED_IDLE` scheduling policy (`sched_setscheduler(2)`, which
/// Linux applies per thread). A normal thread that wakes preempts an idle-policy thread at once:
/// the commit path (the event loops and the commit queue) never waits behind a catch-up read, and a
/// client catching up takes the CPU that writers leave (issue 15: no peer slows another). Nice 19
/// was not enough: under EEVDF (Linux 6.6 and later) a waking thread lets the running one finish
/// its slice first, and those waits added about 2 ms to a writer's p99 beside a laggard
/// (docs/performance.md, "What was tried"). With every core busy they still get a small share
/// (weight 3 against 1024), not none, so catching up slows but does not stop. They hold no lock
/// that a commit waits for: storage reads are WAL snapshots, and ``RecentOps`` is sliced under
/// its lock and copied after it.
///
/// ```swift
/// let pool = CatchUpPool(numberOfThreads: 2)
/// pool.start()
/// let page = pool.run(on: channel.eventLoop) { try hub.page(since: 0, limit: 10_000, department: "sales") }
/// try await pool.shutdownGracefully()
/// ```
final class CatchUpPool: Sendable {
    /// Linux's `SCHED_IDLE` policy number (`<sched.h>`; the C macro needs `_GNU_SOURCE`).
    static let idlePolicy: Int32 = 5

    private let pool: NIOThreadPool

    init(numberOfThreads: Int) {
        pool = NIOThreadPool(numberOfThreads: numberOfThreads)
    }

    func start() {
        pool.start()
    }

    func shutdownGracefully() async throws {
        try await pool.shutdownGracefully()
    }

    /// Runs `body` on one of the pool's threads at low priority; the future fails with NIO's
    /// `NIOThreadPoolError.ThreadPoolInactive` once the pool is shut down.
    func run<T: Sendable>(on eventLoop: any EventLoop, _ body: @escaping @Sendable () throws -> T) -> EventLoopFuture<T> {
        pool.runIfActive(eventLoop: eventLoop) {
            CatchUpPool.lowerThisThread()
            return try body()
        }
    }

    /// The calling thread's scheduling policy (`sched_getscheduler(2)`: 0 is `SCHED_OTHER`,
    /// ``idlePolicy`` is `SCHED_IDLE`); 0 elsewhere than Linux.
    static func currentPolicy() -> Int32 {
        #if os(Linux)
        return sched_getscheduler(0)
        #else
        return 0
        #endif
    }

    /// Moves the calling thread to ``idlePolicy`` (one system call, made per read: a page costs
    /// milliseconds). Elsewhere than Linux there is no per-thread idle policy, so it does nothing.
    private static func lowerThisThread() {
        #if os(Linux)
        var parameters = sched_param(sched_priority: 0)
        _ = sched_setscheduler(0, idlePolicy, &parameters)
        #endif
    }
}
