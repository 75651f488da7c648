import Foundation
import Logging
import NIOCore
import NIOExtras
import NIOPosix
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
    private let group: any EventLoopGroup
    private let lock = NSLock()
    private var serverChannel: (any Channel)?
    private var quiesce: ServerQuiescingHelper?
    private var stopped = false

    /// A daemon over `storage`; nothing happens until ``start()``.
    public init(storage: any ServerLogStorage, configuration: Configuration, logger: Logger = Logger(label: "plansyncd")) {
        self.configuration = configuration
        self.logger = logger
        group = MultiThreadedEventLoopGroup.singleton
        registry = ConnectionRegistry(limit: max(1, configuration.maxConnections))
        hub = LogHub(storage: storage, configuration: configuration, logger: logger, threadPool: .singleton)
    }

    /// Puts new access rules in force (a reload): later hellos, pushes and pages follow them;
    /// connections keep the rules their `welcome` carried until they connect again.
    public func replaceRules(_ rules: AccessRules) {
        hub.replaceRules(rules)
    }

    /// The access rules in force.
    public var rules: AccessRules { hub.rules }

    /// The bound port once started.
    public var port: Int? {
        lock.withLock { serverChannel?.localAddress?.port }
    }

    /// Binds and starts accepting; returns the bound port (useful with port 0).
    /// Throws when the address cannot be bound or the daemon was already started.
    public func start() async throws -> Int {
        if lock.withLock({ serverChannel != nil || stopped }) { throw SyncDaemonError.alreadyStarted }
        let quiesce = ServerQuiescingHelper(group: group)
        let channel = try await ServerBootstrap(group: group)
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
        let port = channel.localAddress?.port ?? configuration.port
        lock.withLock {
            serverChannel = channel
            self.quiesce = quiesce
        }
        logger.info("listening on \(configuration.host):\(port)", metadata: [
            "host": "\(configuration.host)", "port": "\(port)", "max_connections": "\(configuration.maxConnections)",
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
        logger.info("shutting down", metadata: ["connections": "\(registry.count)"])
        let done = group.next().makePromise(of: Void.self)
        quiesce.initiateShutdown(promise: done)
        let registry = registry
        let deadline = done.futureResult.eventLoop.scheduleTask(in: configuration.shutdownGracePeriod) {
            registry.closeAll()
        }
        try? await done.futureResult.get()
        deadline.cancel()
        await hub.drain()
        logger.info("stopped")
    }

    /// `Service`: starts, waits for graceful shutdown (or cancellation), then ``shutdown()``.
    public func run() async throws {
        _ = try await start()
        try? await gracefulShutdown()
        await shutdown()
    }

    private func initialize(_ channel: any Channel) throws {
        let sync = channel.pipeline.syncOperations
        guard let connection = registry.admit(channel) else {
            logger.warning("connection refused: too many connections", metadata: ["limit": "\(configuration.maxConnections)"])
            let refusal = WireError(.tooManyConnections, "the server has its maximum of \(configuration.maxConnections) connections; try again later")
            try sync.addHandler(RefusingHandler(line: try WireEncoder.line(refusal.reply(fatal: true))))
            return
        }
        try sync.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLineBytes: configuration.maxLineBytes)))
        try sync.addHandler(ConnectionHandler(session: configuration.session, hub: hub, connection: connection, logger: logger))
    }
}

/// Misuse of ``SyncDaemon``.
public enum SyncDaemonError: Error, CustomStringConvertible {
    case alreadyStarted

    public var description: String {
        switch self {
        case .alreadyStarted: "the daemon was already started"
        }
    }
}
