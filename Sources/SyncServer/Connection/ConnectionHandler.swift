import Logging
import NIOCore
import SyncModel
import SyncProtocol

/// Moves lines between one TCP connection and its ``ServerSession``, and runs the session's
/// actions against the ``LogHub``. It decides nothing itself.
///
/// Backpressure: the socket is read only while the session wants input (no request in flight,
/// or room for one more line behind it) and the connection is writable, so a client that
/// pipelines requests or does not read its replies stops being read instead of making the
/// daemon buffer.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = LineFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var session: ServerSession
    private let hub: LogHub
    private let connection: UInt64
    private let idleSeconds: Int64
    private var logger: Logger
    private var context: ChannelHandlerContext?
    private var readHeld = false

    init(session: ServerSession.Configuration, hub: LogHub, connection: UInt64, idleSeconds: Int64, logger: Logger) {
        self.session = ServerSession(configuration: session)
        self.hub = hub
        self.connection = connection
        self.idleSeconds = idleSeconds
        self.logger = logger
        self.logger[metadataKey: "connection"] = "\(connection)"
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let peer = context.channel.remoteAddress { logger[metadataKey: "peer"] = "\(peer)" }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        logger.info("connection opened")
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        session.connectionClosed()
        hub.unsubscribe(connection: connection)
        logger.info("connection closed")
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .line(let line):
            perform(session.receivedLine(line))
        case .tooLong(let limit):
            perform(session.lineTooLong(limit: limit))
        case .incomplete(let bytes):
            logger.notice("peer hung up in the middle of a line", metadata: ["bytes": "\(bytes)"])
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .read? = event as? IdleStateHandler.IdleStateEvent {
            perform(session.idleTimedOut(seconds: idleSeconds))
        } else if event is ChannelShouldQuiesceEvent {
            perform(session.quiesce())
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.notice("connection error; closing", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        // A closed session still reads, and drops, what the peer sends while it lingers.
        if session.isClosed || (session.wantsInput && context.channel.isWritable) {
            context.read()
        } else {
            readHeld = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReading()
        context.fireChannelWritabilityChanged()
    }

    private func resumeReading() {
        guard readHeld, let context, session.wantsInput, context.channel.isWritable else { return }
        readHeld = false
        context.read()
    }

    // MARK: Actions

    private func perform(_ actions: [ServerSession.Action]) {
        guard let context else { return }
        for action in actions {
            switch action {
            case .send(let message):
                send(message, context: context)
            case .sendChanges(let id, let page):
                context.write(wrapOutboundOut(WireEncoder.changesLine(id: id, page: page)), promise: nil)
            case .authenticate(let token):
                hub.authenticate(token: token, on: context.eventLoop).assumeIsolated().whenComplete { result in
                    switch result {
                    case .success(let found):
                        self.perform(self.session.authenticated(department: found.department, head: found.head, time: self.hub.clock.now()))
                        if let peer = self.session.peer {
                            self.logger[metadataKey: "node"] = "\(peer.node)"
                            self.logger[metadataKey: "department"] = "\(peer.department)"
                            self.logger.info("authenticated")
                        }
                    case .failure(let error):
                        self.logger.error("token lookup failed", metadata: ["error": "\(error)"])
                        self.perform(self.session.failed("the server could not check the token"))
                    }
                }
            case .commit(_, let ops, let node, let department):
                hub.commit(ops, node: node, department: department, on: context.eventLoop).assumeIsolated().whenSuccess { outcome in
                    switch outcome {
                    case .committed(let commit):
                        self.logger.debug("push committed", metadata: ["accepted": "\(commit.appended.count)", "duplicates": "\(commit.duplicates)", "head": "\(commit.head)"])
                        self.perform(self.session.committed(commit))
                    case .refused(let refusal):
                        self.perform(self.session.refused(refusal))
                    case .failed(let message):
                        self.perform(self.session.failed(message))
                    }
                }
            case .pull(_, let since, let limit):
                hub.pull(since: since, limit: limit, on: context.eventLoop).assumeIsolated().whenComplete { result in
                    switch result {
                    case .success(let page):
                        self.perform(self.session.pulled(page))
                    case .failure(let error):
                        self.logger.error("pull failed", metadata: ["error": "\(error)"])
                        self.perform(self.session.failed("the server could not read the log"))
                    }
                }
            case .subscribe(let id, let since):
                subscribe(id: id, since: since, context: context)
            case .close:
                Linger.close(context)
            }
        }
        context.flush()
        resumeReading()
    }

    private func subscribe(id: Int64, since: UInt64, context: ChannelHandlerContext) {
        let hub = hub, connection = connection, channel = context.channel
        hub.subscribe(connection: connection, subscriptionID: id, since: since, channel: channel)
            .hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success:
                self.logger.debug("subscribed", metadata: ["since": "\(since)"])
                self.perform(self.session.subscribed())
            case .failure(let error):
                self.logger.error("subscribe failed", metadata: ["error": "\(error)"])
                self.perform(self.session.failed("the server could not read the log"))
            }
        }
    }

    private func send(_ message: ServerMessage, context: ChannelHandlerContext) {
        if case .error(let reply) = message {
            logger.notice("refused", metadata: ["code": "\(reply.code.rawValue)", "fatal": "\(reply.fatal)",
                                                "id": "\(reply.id.map(String.init) ?? "-")", "reason": "\(reply.message)"])
        }
        do {
            context.write(wrapOutboundOut(try WireEncoder.line(message)), promise: nil)
        } catch {
            logger.error("could not encode a reply; closing", metadata: ["error": "\(error)", "type": "\(message.type)"])
            context.close(promise: nil)
        }
    }
}
