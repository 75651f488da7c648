import CoreMetrics
import Dispatch
import Prometheus
import SyncModel
import SyncProtocol

/// One daemon's metrics for operators (docs/operations.md, "Metrics"), in Prometheus names with
/// the unit in the name. Each daemon has its own ``PrometheusCollectorRegistry``, and the metric
/// objects are made through swift-metrics with an explicit `factory:` over it: the global
/// `MetricsSystem` is never bootstrapped, so several daemons in one process (tests, the
/// benchmark) keep separate numbers.
///
/// Counters and the commit histogram are recorded as things happen, whether or not anything
/// serves them (an atomic add, or a short lock for the histogram, per push). The gauges describe
/// the present and are set when scraped (``sample(connections:head:lag:subscribers:)``), so
/// without `--metrics-port` they cost nothing.
final class DaemonMetrics: Sendable {
    /// Where the metrics live; ``exposition()`` renders it.
    let registry = PrometheusCollectorRegistry()

    /// `plansync_connections_open`: client connections open now (gauge).
    let connectionsOpen: CoreMetrics.Gauge
    /// `plansync_pushes_accepted_total`: pushes answered `ack` (counter). A push of duplicates only counts.
    let pushesAccepted: CoreMetrics.Counter
    /// `plansync_ops_accepted_total`: ops appended to the log by this daemon (counter).
    let opsAccepted: CoreMetrics.Counter
    /// `plansync_ops_duplicate_total`: pushed ops already in the log with the same content (counter).
    let opsDuplicate: CoreMetrics.Counter
    /// `plansync_refusals_total{code}`: `error` replies sent, by wire error code (counter).
    private let refusals: [ErrorCode: CoreMetrics.Counter]
    /// `plansync_commit_duration_seconds`: time in the storage commit of a push (histogram, seconds).
    let commitDuration: CoreMetrics.Timer
    /// `plansync_log_head_position`: the log's last position when scraped (gauge, positions).
    let logHead: CoreMetrics.Gauge
    /// `plansync_subscriber_lag_positions`: how far the furthest-behind subscriber is behind the
    /// head when scraped (gauge, positions); 0 with none.
    let subscriberLag: CoreMetrics.Gauge
    /// `plansync_subscribers`: connections subscribed to live changes (gauge).
    let subscribers: CoreMetrics.Gauge

    /// The commit histogram's buckets: a commit on SQLite takes well under a millisecond to a few
    /// milliseconds, so the buckets start at 100 µs (the library's default starts at 5 ms).
    static let commitBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2_500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10),
    ]

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["plansync_commit_duration_seconds"] = Self.commitBuckets
        connectionsOpen = CoreMetrics.Gauge(label: "plansync_connections_open", factory: factory)
        pushesAccepted = CoreMetrics.Counter(label: "plansync_pushes_accepted_total", factory: factory)
        opsAccepted = CoreMetrics.Counter(label: "plansync_ops_accepted_total", factory: factory)
        opsDuplicate = CoreMetrics.Counter(label: "plansync_ops_duplicate_total", factory: factory)
        // Every code from the start, at 0: a rate over a series that appears late reads wrong.
        refusals = Dictionary(uniqueKeysWithValues: ErrorCode.allCases.map { code in
            (code, CoreMetrics.Counter(label: "plansync_refusals_total", dimensions: [("code", code.rawValue)], factory: factory))
        })
        commitDuration = CoreMetrics.Timer(label: "plansync_commit_duration_seconds", factory: factory)
        logHead = CoreMetrics.Gauge(label: "plansync_log_head_position", factory: factory)
        subscriberLag = CoreMetrics.Gauge(label: "plansync_subscriber_lag_positions", factory: factory)
        subscribers = CoreMetrics.Gauge(label: "plansync_subscribers", factory: factory)
    }

    /// A push's storage commit returned `commit`; it started at `started` (`DispatchTime`'s
    /// monotonic `uptimeNanoseconds`).
    func committed(_ commit: LogCommit, since started: UInt64) {
        let now = DispatchTime.now().uptimeNanoseconds
        commitDuration.recordNanoseconds(Int64(clamping: now >= started ? now - started : 0))
        pushesAccepted.increment()
        opsAccepted.increment(by: commit.appended.count)
        opsDuplicate.increment(by: commit.duplicates)
    }

    /// An `error` reply with `code` was sent (or, for `too_many_connections`, written before the close).
    func refused(_ code: ErrorCode) {
        refusals[code]?.increment()
    }

    /// Sets the gauges to the present, just before a scrape.
    func sample(connections: Int, head: UInt64, lag: UInt64, subscribers count: Int) {
        // As Double: a position past Int64.max must not trap (the integer path converts to Int64).
        connectionsOpen.record(Double(connections))
        logHead.record(Double(head))
        subscriberLag.record(Double(lag))
        subscribers.record(Double(count))
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric.
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
