import NIOCore

extension LogHub {
    /// The exposition for a scrape, its gauges set to the present first: `connections()` open
    /// now, and the head, subscriber lag and subscriber count read on the commit queue. Fails
    /// when storage cannot say its head.
    func scrape(connections: @escaping @Sendable () -> Int, on eventLoop: any EventLoop) -> EventLoopFuture<[UInt8]> {
        subscriberLag(on: eventLoop).map { [metrics] now in
            metrics.sample(connections: connections(), head: now.head, lag: now.lag, subscribers: now.subscribers)
            return metrics.exposition()
        }
    }
}
