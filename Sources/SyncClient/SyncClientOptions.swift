import Logging
import NIOCore
import SyncModel
import SyncProtocol

/// How a ``SyncClient`` talks to the daemon. The defaults suit a laptop on a company network.
public struct SyncClientOptions: Sendable {
    /// `host:port` to use instead of the replica identity's `server` (`plansync sync --server`).
    public var server: ServerAddress?
    /// Token to use instead of the replica identity's `token` (`plansync sync --token`).
    public var token: String?
    /// TLS trust to use instead of the replica identity's (`.some(nil)` is not expressible: a
    /// replica set up with TLS is never synced in plain TCP by an override).
    public var tls: ServerTrust?
    /// Longest wait for the TCP connection to open. Default 3 s.
    public var connectTimeout: TimeAmount = .seconds(3)
    /// Longest wait for any reply (`welcome`, `ack`, `changes`, `pong`). Default 30 s: a push of
    /// a full batch waits for the daemon's durable commit.
    public var requestTimeout: TimeAmount = .seconds(30)
    /// How long to wait for `welcome` after `hello`, the TLS handshake included: a daemon answers
    /// at once, so a silent peer (or a TLS port that never finishes) is reported quickly.
    public var handshakeTimeout: TimeAmount = .seconds(5)
    /// Ops per `push`; the daemon refuses batches over its own limit (`too_many_ops`). Default 1,000.
    public var pushBatchSize: Int = 1000
    /// Pushes sent before the `ack` of the previous one during `sync`, so the daemon reads the
    /// next batch while it commits one. Each batch leaves the outbox only with its own `ack`.
    /// Default 4: since the daemon fsyncs each commit, a deeper pipeline keeps the next pushes
    /// decoded and waiting while one is on disk (`sync` push phase 4.7 → 4.1 s for 200,000 ops;
    /// 8 gave nothing more; docs/performance.md).
    public var pushesInFlight: Int = 4
    /// `limit` of each `pull`. Default 10,000, the daemon's default maximum (it also cuts pages
    /// at about 4 MiB): fewer, larger pages mean fewer round trips and replica transactions.
    public var pullLimit: Int = 10_000
    /// Stream compressions offered in `hello.compression`, most wanted first. Default
    /// `[.deflate]`: a daemon that accepts it compresses both directions after `welcome` (about a
    /// fifteenth of the bytes on planning data); one that does not, or predates compression,
    /// answers plain. Empty: `hello` carries no `compression` and the connection is plain.
    public var compression: [WireCompression] = [.deflate]
    /// Longest line accepted from the server, in bytes. Default 16 MiB (the protocol's default).
    public var maxLineBytes: Int = 16 * 1024 * 1024
    /// A local clock further than this ahead of the server's `welcome.time` is reported with
    /// ``SyncEvent/clockDrift(milliseconds:)``. Default 60,000 ms. (One behind it is reported
    /// beyond ``maxClockSkewMilliseconds``: the daemon's clock may run ahead of its wall clock.)
    public var clockWarningMilliseconds: UInt64 = 60_000
    /// The daemon's allowed clock skew (its `clock_skew` limit; protocol default 5 minutes), in ms.
    /// A local clock further behind `welcome.time` stops the push (``SyncClientError/clockBehind(milliseconds:allowedMilliseconds:)``),
    /// and unsent ops refused with `clock_skew` are re-stamped only by a clock within it.
    public var maxClockSkewMilliseconds: UInt64 = 5 * 60 * 1000
    /// How often `watch` looks at the outbox for new local ops. Default 500 ms.
    public var outboxPollInterval: TimeAmount = .milliseconds(500)
    /// `watch` sends a `ping` after this long without a line from the server, so that a dead
    /// connection is noticed, or without a line to it, so that the daemon does not take the
    /// watcher for a frozen one (its subscriber timeout is 90 s by default). Default 15 s.
    public var keepAliveInterval: TimeAmount = .seconds(15)
    /// First reconnect delay of `watch`; doubles after each failed attempt. Default 250 ms.
    public var initialBackoff: TimeAmount = .milliseconds(250)
    /// Longest reconnect delay of `watch`. Default 10 s.
    public var maxBackoff: TimeAmount = .seconds(10)
    /// Where connection, clock and retry messages go. Default label `plansync.client`.
    public var logger = Logger(label: "plansync.client")
    /// Called on the client's task for each ``SyncEvent`` (progress, clock drift, reconnects).
    /// Keep it short; it runs between network reads.
    public var onEvent: (@Sendable (SyncEvent) -> Void)?

    /// Defaults, with optional overrides of the identity's server and token and an event callback.
    public init(server: ServerAddress? = nil, token: String? = nil, onEvent: (@Sendable (SyncEvent) -> Void)? = nil) {
        self.server = server
        self.token = token
        self.onEvent = onEvent
    }
}
