import NIOCore
import SyncModel
import SyncProtocol

/// An open session with the daemon, past `welcome`: the socket (``LineChannel``) plus the
/// protocol state machine (``SyncProtocol/ClientSession``) that numbers requests and checks
/// replies. `sync` uses it one request at a time (``request(_:awaiting:)``); `watch` reads every
/// event and tick itself (``next()``). Not Sendable: one task drives it from open to close.
final class SessionConnection {
    /// What ``next()`` delivers.
    enum Incoming {
        /// A server line as the session understood it (never `refused` or `violation`: those throw).
        case event(ClientSession.Event)
        /// A periodic wake-up, when ticks were started.
        case tick
    }

    private let channel: LineChannel
    private var events: AsyncThrowingStream<LineChannel.Event, any Error>.AsyncIterator
    private var session: ClientSession
    private let requestTimeout: TimeAmount
    /// The server's greeting.
    private(set) var welcome = Welcome(server: "", department: "", time: .zero, head: 0)
    /// The `horizon` of the last `snapshot_required` refusal: where the daemon's snapshot stands.
    private(set) var refusedHorizon: UInt64?

    private init(channel: LineChannel, session: ClientSession, requestTimeout: TimeAmount) {
        self.channel = channel
        self.events = channel.events.makeAsyncIterator()
        self.session = session
        self.requestTimeout = requestTimeout
    }

    /// Connects, says `hello` and waits for `welcome`. Throws ``SyncClientError/server(code:message:)``
    /// when the daemon refuses (`auth_failed`, `protocol_version`, …) and
    /// ``SyncClientError/network(_:_:)`` when it cannot be reached within the timeouts.
    static func open(_ target: SessionTarget, group: any EventLoopGroup, options: SyncClientOptions) async throws(SyncClientError) -> SessionConnection {
        let channel = try await LineChannel.connect(to: target.address, tls: target.tls, group: group, connectTimeout: options.connectTimeout,
                                                    maxLineBytes: options.maxLineBytes, holdFirstLine: !options.compression.isEmpty)
        let session = ClientSession(node: target.hello.node, token: target.hello.token, schema: target.hello.schema,
                                    compression: options.compression)
        let connection = SessionConnection(channel: channel, session: session, requestTimeout: options.requestTimeout)
        do throws(SyncClientError) {
            let reply = try await connection.request({ $0.hello() }, awaiting: "welcome", within: options.handshakeTimeout)
            guard case .welcomed(let welcome) = reply else { throw .protocolViolation("expected welcome after hello") }
            connection.welcome = welcome
            try await channel.streamsAfterWelcome(connection.session.compression)
            return connection
        } catch .network(.timedOut, let detail) where channel.tlsHandshakePending {
            await channel.close()
            throw .tls("the TLS handshake did not finish (\(detail)): \(target.address) may be a plain TCP port "
                + "(drop --tls: plansync config --no-tls)")
        } catch .network(.closed, let detail) where target.tls == nil {
            // A TLS daemon drops a plain hello (it is not a ClientHello) without a word; so does a
            // daemon killed or restarting at that instant, or a proxy with no daemon behind it.
            // Hence a network failure, which `watch` retries, with the hint for the first case.
            await channel.close()
            throw .network(.closed, "the server closed the connection before welcome (\(detail)); if \(target.address) is a TLS port, "
                + "use plansync config --tls, with --pin or --ca")
        } catch {
            await channel.close()
            throw error
        }
    }

    /// The stream compression `welcome` picked (nil: plain).
    var compression: WireCompression? { session.compression }

    /// Whether the session goes on: no fatal refusal or protocol violation ended it. After a
    /// non-fatal refusal (`seq_gap`, `clock_skew`, …) further requests are answered.
    var isOpen: Bool { session.phase != .closed }

    /// Sends the request `make` builds and waits for its reply, at most `timeout` (the request
    /// timeout when nil). Used when nothing else is outstanding, so the next line is the reply.
    func request(_ make: (inout ClientSession) -> ClientMessage, awaiting what: String,
                 within timeout: TimeAmount? = nil) async throws(SyncClientError) -> ClientSession.Event {
        do {
            try await send(make(&session))
        } catch {
            // A write fails once the connection is gone; the event stream says why (a TLS
            // refusal, or the server's last error line), so that is what is reported.
            _ = try await reply(awaiting: what, within: timeout)
            throw error
        }
        return try await reply(awaiting: what, within: timeout)
    }

    /// The next event, within `timeout` or the request timeout (ticks are skipped).
    func reply(awaiting what: String, within timeout: TimeAmount? = nil) async throws(SyncClientError) -> ClientSession.Event {
        let deadline = channel.deadline(after: timeout ?? requestTimeout, waitingFor: what)
        defer { deadline.cancel() }
        while true {
            if case .event(let event) = try await next() { return event }
        }
    }

    /// Sends the request `make` builds without waiting for its reply.
    func send(_ make: (inout ClientSession) -> ClientMessage) async throws(SyncClientError) {
        try await send(make(&session))
    }

    /// Sends the request line `make` writes (a push of encoded ops) without waiting for its reply.
    func send(line make: (inout ClientSession) -> ByteBuffer) async throws(SyncClientError) {
        try await channel.send(make(&session))
    }

    /// Sends an already built request (a pull's follow-up).
    func send(_ message: ClientMessage) async throws(SyncClientError) {
        let line: ByteBuffer
        do { line = try WireEncoder.line(message) } catch {
            throw .replica("an op cannot be written as JSON: \(error)")
        }
        try await channel.send(line)
    }

    /// The next event or tick. A refusal throws ``SyncClientError/server(code:message:)``, a
    /// broken protocol ``SyncClientError/protocolViolation(_:)``, the end of the connection
    /// ``SyncClientError/network(_:_:)``, and cancellation ``SyncClientError/cancelled``.
    func next() async throws(SyncClientError) -> Incoming {
        let event: LineChannel.Event
        do {
            guard let next = try await events.next() else { throw SyncClientError.cancelled }
            event = next
        } catch let error as SyncClientError {
            throw error
        } catch {
            throw .network(.closed, "\(error)")
        }
        let message: ServerMessage
        switch event {
        case .tick:
            return .tick
        case .message(let decoded, let bytes):
            channel.lineTaken(bytes: bytes)
            message = decoded
        case .unreadable(let text, let bytes):
            channel.lineTaken(bytes: bytes)
            throw .protocolViolation("the server sent a line that is not a PlanSync message: \(JSONText.quote(text))")
        }
        switch session.receive(message) {
        case .refused(let reply, _):
            if reply.code == .snapshotRequired { refusedHorizon = reply.horizon }
            throw .server(code: reply.code, message: reply.message)
        case .violation(let text):
            throw .protocolViolation(text)
        case let other:
            return .event(other)
        }
    }

    /// Whether a received line is already waiting, so ``next()`` returns without waiting for the
    /// network (it may still return a tick queued before that line).
    var hasWaitingLine: Bool { channel.hasWaitingLine }

    /// Delivers ``Incoming/tick`` every `interval` (see ``LineChannel/startTicks(every:)``).
    func startTicks(every interval: TimeAmount) { channel.startTicks(every: interval) }

    /// Closes the connection.
    func close() async { await channel.close() }
}
