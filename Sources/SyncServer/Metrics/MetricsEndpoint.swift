import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The Prometheus scrape endpoint (`plansyncd serve --metrics-port`): plain HTTP/1.1 on
/// 127.0.0.1 only, `GET /metrics` answered with the text exposition (format 0.0.4). Any other
/// path is 404, any other method on `/metrics` 405; a request that is not HTTP gets 400 from
/// NIO's error handler. Every response closes its connection, and a connection that sends no
/// request within ``idleTimeout`` is closed, so a scraper cannot hold connections open.
final class MetricsEndpoint: Sendable {
    /// Renders the exposition at scrape time, completing on the given event loop; fails when the
    /// present state cannot be read (the scrape then gets 500).
    typealias Scrape = @Sendable (any EventLoop) -> EventLoopFuture<[UInt8]>

    /// Always loopback: the metrics name no secrets, but nothing about them is meant for the
    /// network; a proxy in front exposes them on purpose.
    static let host = "127.0.0.1"
    /// The only path served.
    static let path = "/metrics"
    /// A connection without a complete request for this long is closed (default of ``start(port:group:logger:idleTimeout:scrape:)``).
    static let idleTimeout: TimeAmount = .seconds(10)

    private let channel: any Channel
    /// The bound port (the one asked for, or the one picked for 0).
    let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    /// Binds 127.0.0.1:`port` (0 picks a free one) and serves until ``close()``; a connection that
    /// has not completed a request after `idleTimeout` is closed. Throws when the port cannot be bound.
    static func start(port: Int, group: any EventLoopGroup, logger: Logger, idleTimeout: TimeAmount = MetricsEndpoint.idleTimeout,
                      scrape: @escaping Scrape) async throws -> MetricsEndpoint {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try sync.configureHTTPServerPipeline(withErrorHandling: true)
                    try sync.addHandler(MetricsHTTPHandler(scrape: scrape, logger: logger))
                }
            }
            .bind(host: host, port: port)
            .get()
        return MetricsEndpoint(channel: channel, port: channel.localAddress?.port ?? port)
    }

    /// Stops accepting scrapes.
    func close() async {
        try? await channel.close()
    }
}

/// Answers one request per connection: the exposition, 404, 405 or 500, then closes.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let scrape: MetricsEndpoint.Scrape
    private let logger: Logger
    private var request: HTTPRequestHead?
    private var answered = false
    /// Nil once removed from the pipeline: a scrape finishing after the close writes nothing.
    private var context: ChannelHandlerContext?

    init(scrape: @escaping MetricsEndpoint.Scrape, logger: Logger) {
        self.scrape = scrape
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
        case .body:
            break  // no request here has a body worth reading
        case .end:
            guard let head = request, !answered else { return }
            answered = true
            respond(to: head, on: context.eventLoop)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func respond(to head: HTTPRequestHead, on eventLoop: any EventLoop) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? head.uri
        guard path == MetricsEndpoint.path else {
            return send(.notFound, Array("only \(MetricsEndpoint.path) is served here\n".utf8))
        }
        guard head.method == .GET else {
            return send(.methodNotAllowed, Array("\(MetricsEndpoint.path) answers GET only\n".utf8), extra: [("Allow", "GET")])
        }
        scrape(eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let text):
                self.send(.ok, text, contentType: "text/plain; version=0.0.4; charset=utf-8")
            case .failure(let error):
                self.logger.error("metrics scrape failed", metadata: ["error": "\(error)"])
                self.send(.internalServerError, Array("could not read the daemon's state: \(error)\n".utf8))
            }
        }
    }

    private func send(_ status: HTTPResponseStatus, _ body: [UInt8], contentType: String = "text/plain; charset=utf-8",
                      extra: [(String, String)] = []) {
        guard let context else { return }
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", "\(body.count)"), ("Connection", "close")])
        headers.add(contentsOf: extra)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
