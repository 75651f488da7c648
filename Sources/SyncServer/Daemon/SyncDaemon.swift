import Foundation
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL
import ServiceLifecycle
import SyncModel
import SyncProtocol

/// The sync daemon: a TCP server speaking protocol version 1 (protocol/PROTOCOL.md) over any
/// ``ServerLogStorage``. Embeddable: the CLI's demo and the benchmark run one in-process.
///
/// ```swift
/// let daemon = SyncDaemon(storage: log, configuration: .init(schema: PlanningSchema.schema, port: 0))
/// let port = try await daemon.start()          // the bound port
/// …
/// await daemon.shutdown()                      // stop accepting, finish commits, close
/// ```
/// As a swift-service-lifecycle `Service`, ``run()`` starts it and shuts it down gracefully when
/// the service group is told to (SIGTERM, SIGINT).
public final class SyncDaemon: Service, @unchecked Sendable {
    public let configuration: Configuration
    private let logger: Logger
    private let hub: LogHub
    private let registry: ConnectionRegistry
    private let gate: AuthGate
    private let group: any EventLoopGroup
    /// The daemon's own threads for storage reads and commits: another daemon, or an app that
    /// embeds one, blocking a shared pool cannot stall this one's hellos and pages.
    private let threadPool: NIOThreadPool
    /// The daemon's low-priority threads for catch-up reads (``CatchUpPool``).
    private let catchUpPool: CatchUpPool
    private var tls: ServerTLSContext?
    private var timers: [RepeatedTask] = []
    private let lock = NSLock()
    private var serverChannel: (any Channel)?
    private var quiesce: ServerQuiescingHelper?
    private var metricsEndpoint: MetricsEndpoint?
    private var stopped = false

    /// A daemon over `storage`; nothing happens until ``start()``.
    public init(storage: any ServerLogStorage, configuration: Configuration, logger: Logger = Logger(label: "plansyncd")) {
        self.configuration = configuration
        self.logger = logger
        group = MultiThreadedEventLoopGroup.singleton
        registry = ConnectionRegistry(limit: max(1, configuration.maxConnections))
        gate = AuthGate(AuthThrottle(limit: configuration.authFailureLimit, window: configuration.authFailureWindow,
                                     holdBack: configuration.authHoldBack))
        threadPool = NIOThreadPool(numberOfThreads: 2)
        catchUpPool = CatchUpPool(numberOfThreads: 2)
        hub = LogHub(storage: storage, configuration: configuration, logger: logger, threadPool: threadPool, catchUpPool: catchUpPool)
    }

    /// Puts new access rules in force (a reload): later hellos, pushes and pages follow them;
    /// connections keep the rules their `welcome` carried until they connect again.
    public func replaceRules(_ rules: AccessRules) {
        hub.replaceRules(rules)
    }

    /// The access rules in force.
    public var rules: AccessRules { hub.rules }

    /// The log was compacted through `horizon` (by this process): pulls and subscriptions from
    /// below it are answered `snapshot_required` from now on, even while the newest ops kept in
    /// memory still reach back that far. A compaction by another process on the same storage
    /// (`plansyncd compact`) is noticed without this: every `hello` reads the horizon.
    public func noteCompaction(horizon: UInt64) {
        hub.noteCompaction(horizon: horizon)
    }

    /// The bound port once started.
    public var port: Int? {
        lock.withLock { serverChannel?.localAddress?.port }
    }

    /// The bound port of the metrics endpoint once started, nil without ``Configuration/metricsPort``.
    public var metricsPort: Int? {
        lock.withLock { metricsEndpoint?.port }
    }

    /// Binds and starts accepting; returns the bound port (useful with port 0). On a
    /// ``SyncModel/SharedLogStorage`` it also watches for other daemons' commits, which reach this
    /// daemon's subscribers like its own, until ``shutdown()``.
    /// Throws when the log head cannot be read or the watch cannot start, the address cannot be
    /// bound, the metrics port cannot be bound (``SyncDaemonError/metricsUnavailable(_:)``), plain
    /// TCP is asked for off loopback (``SyncDaemonError/plaintextRefused(_:)``), the TLS files are
    /// unusable (``ServerTLSError``), or the daemon was already started.
    public func start() async throws -> Int {
        if lock.withLock({ serverChannel != nil || stopped }) { throw SyncDaemonError.alreadyStarted }
        if let refusal = ListenPolicy.refusal(host: configuration.host, tls: configuration.tls != nil,
                                              allowPlaintext: configuration.allowPlaintext) {
            throw SyncDaemonError.plaintextRefused(refusal)
        }
        let tls = try configuration.tls.map { try ServerTLSContext(files: $0) }
        lock.withLock { self.tls = tls }
        // Before any connection: the hub learns the head, and on a shared log starts watching
        // for other daemons' commits.
        try hub.start()
        let quiesce = ServerQuiescingHelper(group: group)
        threadPool.start()
        catchUpPool.start()
        let channel: any Channel
        var metricsEndpoint: MetricsEndpoint?
        do {
            metricsEndpoint = try await startMetrics()
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                    }
                }
                .childChannelOption(.socketOption(.so_keepalive), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 * 1024, high: 1024 * 1024))
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture { try self.initialize(channel) }
                }
                .bind(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            await metricsEndpoint?.close()
            hub.stop()
            try? await threadPool.shutdownGracefully()
            try? await catchUpPool.shutdownGracefully()
            throw error
        }
        let port = channel.localAddress?.port ?? configuration.port
        let timers = startTimers()
        lock.withLock {
            serverChannel = channel
            self.quiesce = quiesce
            self.timers = timers
            self.metricsEndpoint = metricsEndpoint
        }
        logger.info("listening on \(configuration.host):\(port)", metadata: [
            "host": "\(configuration.host)", "port": "\(port)", "max_connections": "\(configuration.maxConnections)",
            "transport": "\(tls.map { "TLS 1.2-1.3, certificate \($0.files.certificatePath)" } ?? "plain TCP")",
        ])
        return port
    }

    /// Stops accepting, lets every connection finish the request in flight (a commit in
    /// progress completes and is acknowledged), closes them, and waits for the log to settle.
    /// Connections still open after the grace period are closed. Safe to call more than once.
    public func shutdown() async {
        let quiesce: ServerQuiescingHelper? = lock.withLock {
            defer { stopped = true; self.quiesce = nil }
            return self.quiesce
        }
        guard let quiesce else { return }
        for timer in lock.withLock({ timers }) { timer.cancel() }
        logger.info("shutting down", metadata: ["connections": "\(registry.count)"])
        let done = group.next().makePromise(of: Void.self)
        quiesce.initiateShutdown(promise: done)
        let registry = registry
        let deadline = done.futureResult.eventLoop.scheduleTask(in: configuration.shutdownGracePeriod) {
            registry.closeAll()
        }
        try? await done.futureResult.get()
        deadline.cancel()
        hub.stop()
        await hub.drain()
        await lock.withLock { metricsEndpoint }?.close()
        try? await threadPool.shutdownGracefully()
        try? await catchUpPool.shutdownGracefully()
        logger.info("stopped")
    }

    /// `Service`: starts, waits for graceful shutdown (or cancellation), then ``shutdown()``.
    public func run() async throws {
        _ = try await start()
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Why ``start()`` would refuse to listen on `host` in plain TCP, nil when it would not: for a
    /// command line to say so before opening anything.
    public static func listenRefusal(host: String, tls: Bool, allowPlaintext: Bool) -> String? {
        ListenPolicy.refusal(host: host, tls: tls, allowPlaintext: allowPlaintext)
    }

    /// Loads the TLS certificate and key again (SIGHUP, or the files changed); connections
    /// already open keep theirs. On error the previous certificate stays and the error is thrown.
    public func reloadCertificate() throws {
        guard let tls = lock.withLock({ tls }) else { return }
        do {
            try tls.reload()
            logger.info("TLS certificate reloaded", metadata: ["certificate": "\(tls.files.certificatePath)"])
        } catch {
            logger.error("TLS certificate reload failed; keeping the previous one", metadata: ["error": "\(error)"])
            throw error
        }
    }

    /// The token re-check (revoked or expired tokens lose their connections) and the TLS file watch.
    private func startTimers() -> [RepeatedTask] {
        let loop = group.next()
        var timers: [RepeatedTask] = []
        let registry = registry, hub = hub, logger = logger
        timers.append(loop.scheduleRepeatedAsyncTask(initialDelay: configuration.tokenRecheckInterval,
                                                     delay: configuration.tokenRecheckInterval) { _ in
            let tokens = registry.tokens
            guard !tokens.isEmpty else { return loop.makeSucceededVoidFuture() }
            return hub.recheck(tokens: tokens, on: loop).map { checks in
                for (token, check) in checks {
                    guard let reason = check.refusal else { continue }
                    for channel in registry.channels(token: token) {
                        channel.pipeline.fireUserInboundEventTriggered(TokenWithdrawn(reason: reason))
                    }
                }
            }.recover { error in
                logger.error("token re-check failed", metadata: ["error": "\(error)"])
            }
        })
        if let tls = lock.withLock({ tls }) {
            timers.append(loop.scheduleRepeatedTask(initialDelay: configuration.certificateRecheckInterval,
                                                    delay: configuration.certificateRecheckInterval) { [weak self] _ in
                guard tls.filesChanged else { return }
                try? self?.reloadCertificate()
            })
        }
        return timers
    }

    /// The metrics endpoint on loopback when ``Configuration/metricsPort`` is set, else nil.
    private func startMetrics() async throws -> MetricsEndpoint? {
        guard let port = configuration.metricsPort else { return nil }
        let hub = hub, registry = registry
        let endpoint: MetricsEndpoint
        do {
            endpoint = try await MetricsEndpoint.start(port: port, group: group, logger: logger) { hub.scrape(connections: { registry.count }, on: $0) }
        } catch {
            throw SyncDaemonError.metricsUnavailable("cannot serve metrics on \(MetricsEndpoint.host):\(port): \(error)")
        }
        logger.info("metrics on http://\(MetricsEndpoint.host):\(endpoint.port)\(MetricsEndpoint.path)", metadata: ["metrics_port": "\(endpoint.port)"])
        return endpoint
    }

    private func initialize(_ channel: any Channel) throws {
        let sync = channel.pipeline.syncOperations
        if let tls = lock.withLock({ tls }) {
            // TLS first: everything after it, refusals included, reads and writes plaintext lines.
            try sync.addHandler(NIOSSLServerHandler(context: tls.current))
            try sync.addHandler(HandshakeDeadline(timeout: configuration.handshakeTimeout))
        }
        guard let connection = registry.admit(channel) else {
            logger.warning("connection refused: too many connections", metadata: ["limit": "\(configuration.maxConnections)"])
            hub.metrics.refused(.tooManyConnections)
            let refusal = WireError(.tooManyConnections, "the server has its maximum of \(configuration.maxConnections) connections; try again later")
            try sync.addHandler(RefusingHandler(line: try WireEncoder.line(refusal.reply(fatal: true))))
            return
        }
        // Plain lines until the session picks a compression; then these two inflate and deflate.
        try sync.addHandler(LineWriter())
        try sync.addHandler(LineReader(maxLineBytes: configuration.maxLineBytes))
        try sync.addHandler(ConnectionHandler(session: configuration.session, hub: hub, connection: connection, registry: registry,
                                            gate: gate, logger: logger))
    }
}

/// Misuse of ``SyncDaemon``.
public enum SyncDaemonError: Error, CustomStringConvertible {
    case alreadyStarted
    /// Plain TCP on a non-loopback address without ``SyncDaemon/Configuration/allowPlaintext``.
    case plaintextRefused(String)
    /// The metrics port (``SyncDaemon/Configuration/metricsPort``) could not be bound; says why.
    case metricsUnavailable(String)

    public var description: String {
        switch self {
        case .alreadyStarted: "the daemon was already started"
        case .plaintextRefused(let message), .metricsUnavailable(let message): message
        }
    }
}
