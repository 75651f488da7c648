import Foundation
import NIOCore
import SyncModel
import SyncProtocol

extension SyncDaemon {
    /// Where the daemon listens and the limits it enforces (protocol/PROTOCOL.md, "Limits").
    public struct Configuration: Sendable {
        /// Address to bind; loopback by default, so a fresh install is not reachable from the network.
        public var host: String = "127.0.0.1"
        /// TCP port; 0 binds a free port (``SyncDaemon/start()`` returns it).
        public var port: Int = 7420
        /// The server's node id, sent in `welcome.server`.
        public var serverNode: String = "plansyncd"
        /// The schema pushed ops are validated with; `hello.schema` may not be newer.
        public var schema: Schema
        /// Longest line accepted, in bytes: longer gets `line_too_long` and a close. At least
        /// ``minimumMaxLineBytes``, or clients' full pushes are refused on every retry.
        public var maxLineBytes: Int = WireProtocol.defaultMaxLineBytes
        /// The smallest sensible ``maxLineBytes``: a client's longest push line, 4 MiB
        /// (``SyncProtocol/WireProtocol/maxPushLineBytes``).
        public static let minimumMaxLineBytes = WireProtocol.maxPushLineBytes
        /// Most ops in one push: more gets `too_many_ops` (the connection stays open).
        public var maxOpsPerPush: Int = WireProtocol.maxOpsPerPush
        /// Most connections at once: one more gets `too_many_connections` and a close.
        public var maxConnections: Int = 1_024
        /// A connection without a line for this long gets `idle_timeout` and a close (subscribed
        /// connections, which have ``subscriberTimeout``, and requests in flight excepted).
        public var idleTimeout: TimeAmount = .minutes(5)
        /// A subscribed connection that neither sends a line nor reads its pending output for this
        /// long gets `idle_timeout` and a close (default 90 s, six times the 15 s at which
        /// `plansync sync --watch` pings), so frozen laptops do not hold connection slots.
        public var subscriberTimeout: TimeAmount = .seconds(90)
        /// `pull.limit` when the client sends none.
        public var defaultPullLimit: Int = WireProtocol.defaultPullLimit
        /// `pull.limit` is clamped to this.
        public var maxPullLimit: Int = WireProtocol.maxPullLimit
        /// Budget for the ops of one `changes` line, in bytes (see ``Paging``).
        public var maxPageBytes: Int = Paging.defaultMaxPageBytes
        /// Ops whose HLC is further ahead of the server's wall clock are refused with `clock_skew`.
        public var maxClockSkewMilliseconds: UInt64 = HybridLogicalClock.defaultMaxSkewMilliseconds
        /// How much of the newest log the daemon keeps as encoded JSON, in bytes (default 32 MiB,
        /// about 140,000 ops of planning data): fan-out, pulls and catch-ups within it send those
        /// bytes without reading storage. 0 turns it off.
        public var recentOpsBytes: Int = 32 * 1024 * 1024
        /// The daemon's readable replica tables are brought up to the log once commits have
        /// paused this long (default 1 s: a client reading its outbox between pushes is not a pause)…
        public var materializeQuietPeriod: TimeAmount = .seconds(1)
        /// …and at the latest this long after a commit (default 5 s), however busy the log is.
        public var materializeMaxDelay: TimeAmount = .seconds(5)
        /// On shutdown, connections still open after this are closed without waiting.
        public var shutdownGracePeriod: TimeAmount = .seconds(10)
        /// The stream compressions a client may ask for in `hello.compression` (`welcome.compression`
        /// picks the first the client offers); empty turns compression off (`plansyncd serve
        /// --no-compression`), so every connection stays plain. Default: `deflate`.
        public var compression: [WireCompression] = WireCompression.allCases
        /// Who may read and write what (``SyncModel/AccessRules``); ``SyncDaemon/replaceRules(_:)``
        /// changes them while serving. Default: none, everyone reads and writes everything.
        public var rules: AccessRules = .open
        /// The TLS certificate and key; nil serves plain TCP, which ``SyncDaemon/start()`` allows
        /// only on a loopback address unless ``allowPlaintext``.
        public var tls: ServerTLSFiles?
        /// Serve plain TCP on a non-loopback address (`--allow-plaintext`): tokens and data cross
        /// the network readable by anyone on the path.
        public var allowPlaintext = false
        /// How often open connections' tokens are checked again, so a revoked or expired token's
        /// sessions end (default 500 ms: within 2 s of `plansyncd token revoke` in another process).
        public var tokenRecheckInterval: TimeAmount = .milliseconds(500)
        /// How often the TLS files are checked for a renewal (default 2 s).
        public var certificateRecheckInterval: TimeAmount = .seconds(2)
        /// A TLS handshake not finished within this is abandoned and the connection closed.
        public var handshakeTimeout: TimeAmount = .seconds(10)
        /// Failed authentications from one address within ``authFailureWindow`` before hellos from
        /// it are refused at once for ``authHoldBack`` (default 10 within 60 s, held back 60 s).
        public var authFailureLimit = 10
        public var authFailureWindow: TimeAmount = .seconds(60)
        public var authHoldBack: TimeAmount = .seconds(60)
        /// Serve Prometheus metrics at `GET /metrics` on 127.0.0.1 at this port (`plansyncd serve
        /// --metrics-port`); 0 binds a free one (``SyncDaemon/metricsPort`` says which, and the log).
        /// Nil (the default) serves none; the counters are kept either way (``DaemonMetrics``).
        public var metricsPort: Int?
        /// The wall clock in milliseconds since 1970; replaceable in tests.
        public var wallClock: @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) }

        public init(schema: Schema, host: String = "127.0.0.1", port: Int = 7420) {
            self.schema = schema
            self.host = host
            self.port = port
        }

        /// The per-connection part, for ``ServerSession``.
        var session: ServerSession.Configuration {
            ServerSession.Configuration(serverNode: serverNode, schemaVersion: schema.version, maxOpsPerPush: maxOpsPerPush,
                                        defaultPullLimit: defaultPullLimit, maxPullLimit: maxPullLimit,
                                        idleTimeout: idleTimeout, subscriberTimeout: subscriberTimeout, compression: compression)
        }
    }
}
