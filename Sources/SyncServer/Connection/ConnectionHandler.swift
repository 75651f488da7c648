import Logging
import NIOCore
import SyncModel
import SyncProtocol

/// Moves lines between one TCP connection and its ``ServerSession``, and runs the session's
/// actions against the ``LogHub``. It decides nothing itself: when the session picks a
/// compression it tells the ``LineReader`` and ``LineWriter`` before it (``LineStreamSwitch``).
///
/// Backpressure: the socket is read only while the session wants input (no request in flight,
/// or room for one more line behind it) and the connection is writable, so a client that
/// pipelines requests or does not read its replies stops being read instead of making the
/// daemon buffer.
///
/// Silence: the handler notes the last sign of life of the peer (a line, or its output draining
/// below the low water mark after it had passed the high one: the peer reads) and tells the
/// session how long ago that was, a few times per timeout; the session decides when that is too
/// long (``ServerSession/silent(for:)``).
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = LineFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var session: ServerSession
    private let hub: LogHub
    private let connection: UInt64
    private let registry: ConnectionRegistry
    private let gate: AuthGate
    private var logger: Logger
    private var context: ChannelHandlerContext?
    private var readHeld = false
    /// The peer's last sign of life.
    private var lastSign = NIODeadline.now()
    private var silenceCheck: Scheduled<Void>?

    init(session: ServerSession.Configuration, hub: LogHub, connection: UInt64, registry: ConnectionRegistry, gate: AuthGate, logger: Logger) {
        self.session = ServerSession(configuration: session)
        self.hub = hub
        self.connection = connection
        self.registry = registry
        self.gate = gate
        self.logger = logger
        self.logger[metadataKey: "connection"] = "\(connection)"
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let peer = context.channel.remoteAddress { logger[metadataKey: "peer"] = "\(peer)" }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        silenceCheck?.cancel()
        silenceCheck = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        logger.info("connection opened")
        lastSign = .now()
        armSilenceCheck(on: context.eventLoop)
        context.fireChannelActive()
    }

    /// Measures the silence after ``checkInterval(for:)``, then again, until the session closes.
    private func armSilenceCheck(on eventLoop: any EventLoop) {
        silenceCheck = eventLoop.assumeIsolated().scheduleTask(in: ConnectionHandler.checkInterval(for: session.shortestTimeout)) {
            self.silenceCheck = nil
            guard self.context != nil, !self.session.isClosed else { return }
            self.perform(self.session.silent(for: .now() - self.lastSign))
            if !self.session.isClosed { self.armSilenceCheck(on: eventLoop) }
        }
    }

    /// How often the silence is measured: a quarter of the shortest timeout, from 10 ms to 1 s,
    /// so a connection is closed at most that long after its timeout.
    static func checkInterval(for timeout: TimeAmount) -> TimeAmount {
        max(.milliseconds(10), min(.seconds(1), .nanoseconds(timeout.nanoseconds / 4)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        silenceCheck?.cancel()
        silenceCheck = nil
        session.connectionClosed()
        hub.unsubscribe(connection: connection)
        logger.info("connection closed")
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastSign = .now()
        switch unwrapInboundIn(data) {
        case .line(let line):
            perform(session.receivedLine(line))
        case .tooLong(let limit):
            perform(session.lineTooLong(limit: limit))
        case .incomplete(let bytes):
            logger.notice("peer hung up in the middle of a line", metadata: ["bytes": "\(bytes)"])
        case .corruptStream(let reason):
            perform(session.corruptStream(reason))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            perform(session.quiesce())
        } else if let withdrawn = event as? TokenWithdrawn {
            logger.warning("token no longer valid; closing the connection", metadata: ["reason": "\(withdrawn.reason)"])
            perform(session.tokenRefused(withdrawn.reason))
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
        // Writable again: the peer read what was waiting for it.
        if context.channel.isWritable { lastSign = .now() }
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
            case .inflateInput(let compression):
                context.triggerUserOutboundEvent(LineStreamSwitch.input(compression), promise: nil)
            case .deflateOutput(let compression):
                context.triggerUserOutboundEvent(LineStreamSwitch.output(compression), promise: nil)
            case .sendChanges(let id, let page):
                context.write(wrapOutboundOut(WireEncoder.changesLine(id: id, page: page)), promise: nil)
            case .authenticate(let token):
                authenticate(token: token, context: context)
            case .commit(_, let push):
                hub.commit(push, on: context.eventLoop).assumeIsolated().whenSuccess { outcome in
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
                hub.pull(since: since, limit: limit, department: session.peer?.department ?? "", on: context.eventLoop).assumeIsolated().whenComplete { result in
                    switch result {
                    case .success(let page):
                        self.perform(self.session.pulled(page))
                    case .failure(let behind as SnapshotRequired):
                        self.perform(self.session.snapshotRequired(horizon: behind.horizon))
                    case .failure(let error):
                        self.logger.error("pull failed", metadata: ["error": "\(error)"])
                        self.perform(self.session.failed("the server could not read the log"))
                    }
                }
            case .subscribe(let id, let since):
                subscribe(id: id, since: since, context: context)
            case .stateHash(_, let department):
                hub.stateHash(department: department, on: context.eventLoop).assumeIsolated().whenComplete { result in
                    switch result {
                    case .success(let scope):
                        self.perform(self.session.hashed(scope.hash, head: scope.head))
                    case .failure(let error):
                        self.logger.error("state hash failed", metadata: ["error": "\(error)"])
                        self.perform(self.session.failed("the server could not compute the state hash"))
                    }
                }
            case .snapshot(_, let horizon, let after, let limit):
                hub.snapshotPage(horizon: horizon, after: after, limit: limit, department: session.peer?.department ?? "", on: context.eventLoop)
                    .assumeIsolated().whenComplete { result in
                    switch result {
                    case .success(let page):
                        self.perform(self.session.snapshotRead(page))
                    case .failure(let behind as SnapshotRequired):
                        self.perform(self.session.snapshotRequired(horizon: behind.horizon))
                    case .failure(let error):
                        self.logger.error("snapshot read failed", metadata: ["error": "\(error)"])
                        self.perform(self.session.failed("the server could not read the snapshot"))
                    }
                }
            case .close:
                Linger.close(context)
            }
        }
        context.flush()
        resumeReading()
    }

    /// Looks the token up unless this address is held back after failed attempts (``AuthGate``).
    private func authenticate(token: String, context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        if let wait = gate.heldBack(address) {
            let seconds = (wait.nanoseconds + 999_999_999) / 1_000_000_000
            logger.notice("hello refused at once: address held back after failed authentications", metadata: ["address": "\(address)", "retry_in_s": "\(seconds)"])
            context.eventLoop.assumeIsolated().execute {
                self.perform(self.session.tokenRefused("too many failed authentications from \(address); try again in \(seconds) s"))
            }
            return
        }
        hub.authenticate(token: token, on: context.eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let found):
                guard let department = found.check.department else {
                    let reason = found.check.refusal ?? "the token is not valid"
                    self.logger.notice("authentication failed", metadata: ["address": "\(address)", "reason": "\(reason)"])
                    if self.gate.failed(address) {
                        self.logger.warning("holding back an address after repeated failed authentications", metadata: ["address": "\(address)"])
                    }
                    self.perform(self.session.tokenRefused(reason))
                    return
                }
                self.gate.succeeded(address)
                self.registry.authenticated(self.connection, token: token)
                self.perform(self.session.authenticated(department: department, head: found.head, time: self.hub.clock.now(), rules: self.hub.rules))
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
    }

    private func subscribe(id: Int64, since: UInt64, context: ChannelHandlerContext) {
        let hub = hub, connection = connection, channel = context.channel
        hub.subscribe(connection: connection, subscriptionID: id, department: session.peer?.department ?? "", since: since, channel: channel)
            .hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success:
                self.logger.debug("subscribed", metadata: ["since": "\(since)"])
                self.perform(self.session.subscribed())
            case .failure(let behind as SnapshotRequired):
                self.perform(self.session.snapshotRequired(horizon: behind.horizon))
            case .failure(let error) where !channel.isActive:
                // Closed during its catch-up (a subscriber that stopped reading, or went away).
                self.logger.debug("subscription ended during its catch-up", metadata: ["error": "\(error)"])
                self.perform(self.session.failed("the connection closed"))
            case .failure(let error):
                self.logger.error("subscribe failed", metadata: ["error": "\(error)"])
                self.perform(self.session.failed("the server could not read the log"))
            }
        }
    }

    private func send(_ message: ServerMessage, context: ChannelHandlerContext) {
        if case .error(let reply) = message {
            hub.metrics.refused(reply.code)
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
