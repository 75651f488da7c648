import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import SyncModel

extension PostgresServerLog {
    /// Opens a connection of its own that runs `LISTEN plansync_log` and calls `wake` for every
    /// notification (commits by any daemon, this one included). When the connection drops it
    /// reconnects with backoff (0.1 s doubling to 5 s) and then calls `wake` once, since
    /// notifications sent meanwhile are lost. Returns once LISTEN is in force: a commit after
    /// that wakes. Throws ``PostgresLogError`` when the first connection fails.
    public func watchCommits(_ wake: @escaping @Sendable () -> Void) throws -> any CommitWatch {
        let watch = PostgresCommitWatch(configuration: configuration, eventLoop: group.next(), logger: logger, wake: wake)
        do { try watch.listen().wait() } catch {
            watch.cancel()
            throw PostgresLogError.from(error, connecting: true)
        }
        return watch
    }
}

/// A running ``PostgresServerLog/watchCommits(_:)``: one LISTEN connection, replaced when lost.
/// Everything but the first connect runs on the event loop; `lock` guards the state and is held
/// while `wake` runs, so that once ``cancel()`` returns `wake` is not called again (`wake` must
/// not call ``cancel()`` itself).
final class PostgresCommitWatch: CommitWatch, @unchecked Sendable {
    private let configuration: PostgresConnection.Configuration
    private let eventLoop: any EventLoop
    private let logger: Logger
    private let wake: @Sendable () -> Void
    private let lock = NIOLock()
    /// Guarded by `lock`.
    private var cancelled = false
    private var connection: PostgresConnection?
    private var retry: Scheduled<Void>?
    private var backoff = TimeAmount.milliseconds(100)
    static let maxBackoff = TimeAmount.seconds(5)

    init(configuration: PostgresConnection.Configuration, eventLoop: any EventLoop, logger: Logger, wake: @escaping @Sendable () -> Void) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.logger = logger
        self.wake = wake
    }

    /// Connects, registers the listener (postgres-nio sends LISTEN), and succeeds once a query
    /// after it answered, so LISTEN is in force. A later loss of the connection reconnects.
    func listen() -> EventLoopFuture<Void> {
        PostgresConnection.connect(on: eventLoop, configuration: configuration, id: -1, logger: logger).flatMap { connection in
            let kept = self.lock.withLock { () -> Bool in
                guard !self.cancelled else { return false }
                self.connection = connection
                return true
            }
            guard kept else {
                connection.closeKeepingAlive()
                return self.eventLoop.makeSucceededVoidFuture()
            }
            connection.addListener(channel: PostgresServerLog.channel) { _, _ in self.fire() }
            return connection.query("SELECT 1", logger: self.logger).map { _ in
                connection.closeFuture.whenComplete { _ in self.lost() }
            }.flatMapError { error in
                connection.close().flatMapThrowing { throw error }
            }
        }
    }

    /// Calls `wake` unless cancelled.
    private func fire() {
        lock.withLock {
            guard !cancelled else { return }
            wake()
        }
    }

    /// The connection closed: try again after the backoff, and wake once when back.
    private func lost() {
        let delay: TimeAmount? = lock.withLock {
            guard !cancelled else { return nil }
            connection = nil
            return backoff
        }
        guard let delay else { return }
        logger.warning("LISTEN connection to PostgreSQL lost; reconnecting", metadata: ["delay_ms": "\(delay.nanoseconds / 1_000_000)"])
        let task = eventLoop.scheduleTask(in: delay) {
            self.listen().whenComplete { result in
                switch result {
                case .success:
                    self.lock.withLock { self.backoff = .milliseconds(100) }
                    self.fire()
                case .failure:
                    self.lock.withLock { self.backoff = min(self.backoff * 2, PostgresCommitWatch.maxBackoff) }
                    self.lost()
                }
            }
        }
        lock.withLock { retry = task }
    }

    func cancel() {
        let (connection, retry) = lock.withLock {
            cancelled = true
            defer { (self.connection, self.retry) = (nil, nil) }
            return (self.connection, self.retry)
        }
        retry?.cancel()
        connection?.closeKeepingAlive()
    }
}
