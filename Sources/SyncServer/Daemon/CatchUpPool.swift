import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The daemon's threads for catch-up reads: the pages of the log and of the snapshot that a
/// client behind the head is sent (a pull served from storage, a subscription's backlog, a lagging
/// subscriber's next page), read from storage and encoded.
///
/// On Linux they run at the lowest CPU priority, nice 19 (`setpriority(2)`, which Linux applies
/// per thread). When the cores are busy, the commit path (the event loops and the commit queue)
/// preempts them: a client catching up takes the CPU that writers leave, and does not lengthen
/// a writer's commit (issue 15: no peer slows another). With every core busy with normal-priority
/// work they get a small share (CFS weight 15 against 1024), not none, so catching up slows
/// but does not stop. They hold no lock that a commit waits for: storage reads are WAL snapshots,
/// and ``RecentOps`` is sliced under its lock and copied after it.
///
/// ```swift
/// let pool = CatchUpPool(numberOfThreads: 2)
/// pool.start()
/// let page = pool.run(on: channel.eventLoop) { try hub.page(since: 0, limit: 10_000, department: "sales") }
/// try await pool.shutdownGracefully()
/// ```
final class CatchUpPool: Sendable {
    /// The nice value of the pool's threads (Linux); 19 is the lowest priority.
    static let niceness: Int32 = 19

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

    /// The calling thread's nice value (Linux; 0 elsewhere).
    static func currentNiceness() -> Int32 {
        #if os(Linux)
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
        return 0
        #endif
    }

    /// Lowers the calling thread to ``niceness`` (one system call, made per read: a page costs
    /// milliseconds). Elsewhere than Linux `setpriority` would lower the whole process, so it does
    /// nothing there.
    private static func lowerThisThread() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }
}
