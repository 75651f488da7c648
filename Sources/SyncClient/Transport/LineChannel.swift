import NIOCore
import NIOPosix
import SyncModel
import SyncProtocol
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One TCP connection to the daemon that writes whole lines and reads server messages (the framer
/// from SyncProtocol splits lines and enforces the length limit; ``LineForwarder`` decodes them).
/// Received messages, optional periodic ticks and the end of the connection arrive as one ordered
/// stream of ``Event``s, so a single task can drive a session without locks.
final class LineChannel: Sendable {
    /// What the connection delivers.
    enum Event: Sendable {
        /// One received line, decoded on the event loop, and its size as received in bytes (for
        /// ``lineTaken(bytes:)``).
        case message(ServerMessage, bytes: Int)
        /// A received line that is not a PlanSync message: its first 120 bytes, as text, and its
        /// size in bytes.
        case unreadable(String, bytes: Int)
        /// A periodic wake-up (see ``startTicks(every:)``).
        case tick
    }

    /// Lines and ticks in arrival order; ends by throwing a ``SyncClientError`` when the
    /// connection closes or a deadline passes.
    let events: AsyncThrowingStream<Event, any Error>
    private let continuation: AsyncThrowingStream<Event, any Error>.Continuation
    private let channel: any Channel
    private let activity: ReadActivity
    private let demand: ReadDemand
    /// What the TLS layer found; nil on a plain connection.
    private let verdict: TLSVerdict?

    private init(channel: any Channel, events: AsyncThrowingStream<Event, any Error>,
                 continuation: AsyncThrowingStream<Event, any Error>.Continuation, activity: ReadActivity, demand: ReadDemand,
                 verdict: TLSVerdict?) {
        self.channel = channel
        self.demand = demand
        self.verdict = verdict
        self.events = events
        self.continuation = continuation
        self.activity = activity
    }

    /// Connects, or throws ``SyncClientError/network(_:_:)`` within `connectTimeout`. With `tls`,
    /// TLS runs below the line framing; its handshake completes before the first line is read, and
    /// its failures end the event stream with ``SyncClientError/tls(_:)``. With
    /// `holdFirstLine` (a `hello` that offers compression), the first line received is delivered
    /// and nothing after it until ``streamsAfterWelcome(_:)``.
    static func connect(to address: ServerAddress, tls: ServerTrust? = nil, group: any EventLoopGroup, connectTimeout: TimeAmount,
                        maxLineBytes: Int, holdFirstLine: Bool = false) async throws(SyncClientError) -> LineChannel {
        let (events, continuation) = AsyncThrowingStream.makeStream(of: Event.self, throwing: (any Error).self)
        let activity = ReadActivity()
        let demand = ReadDemand()
        let verdict = TLSVerdict()
        let tlsHandlers: [any ChannelHandler]
        do {
            tlsHandlers = try tls.map { try TLSClientSetup.handlers(trust: $0, host: address.host, verdict: verdict) } ?? []
        } catch {
            continuation.finish()
            throw .tls("cannot set up TLS: \(error)")
        }
        let port = address.port
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(tlsHandlers)
                    try channel.pipeline.syncOperations.addHandler(activity)
                    try channel.pipeline.syncOperations.addHandler(LineReader(maxLineBytes: maxLineBytes, holdAfterFirstLine: holdFirstLine))
                    try channel.pipeline.syncOperations.addHandler(LineWriter())
                    try channel.pipeline.syncOperations.addHandler(LineForwarder(continuation, tls: tls == nil ? nil : (verdict, port), demand: demand))
                }
            }
        do {
            let channel = try await bootstrap.connect(host: address.host, port: address.port).get()
            return LineChannel(channel: channel, events: events, continuation: continuation, activity: activity, demand: demand,
                               verdict: tls == nil ? nil : verdict)
        } catch {
            continuation.finish()
            throw networkError(error, context: "cannot connect to \(address)")
        }
    }

    /// Whether this is a TLS connection whose handshake has not completed.
    var tlsHandshakePending: Bool { verdict.map { !$0.handshakeDone } ?? false }

    /// Whether a received line waits in ``events`` to be taken (so taking the next event will not
    /// wait for the network).
    var hasWaitingLine: Bool { demand.waitingLines > 0 }

    /// The consumer took a ``Event/message(_:bytes:)`` or ``Event/unreadable(_:bytes:)`` of `bytes`
    /// bytes from ``events``: reading resumes if it was held for it (``ReadDemand``). Call once per
    /// line taken.
    func lineTaken(bytes: Int) {
        if demand.taken(bytes: bytes) { channel.read() }
    }

    /// Writes one line, terminator included; throws ``SyncClientError/network(_:_:)`` when the
    /// connection is gone.
    func send(_ line: ByteBuffer) async throws(SyncClientError) {
        do {
            try await channel.writeAndFlush(line).get()
        } catch {
            throw LineChannel.networkError(error, context: "sending")
        }
    }

    /// After `welcome`: lines written from now on go out in `compression`, and lines received
    /// after the welcome are read in it (nil: both stay plain); a reader that held after the
    /// welcome goes on. Call before sending the next request.
    func streamsAfterWelcome(_ compression: WireCompression?) async throws(SyncClientError) {
        do {
            if let compression {
                try await channel.pipeline.triggerUserOutboundEvent(LineStreamSwitch.output(compression)).get()
            }
            try await channel.pipeline.triggerUserOutboundEvent(LineStreamSwitch.input(compression)).get()
        } catch {
            throw LineChannel.networkError(error, context: "starting compression")
        }
    }

    /// Ends the event stream with a timeout error when no byte arrives for `timeout`, unless
    /// cancelled first; the caller cancels it when the awaited reply arrives. A liveness timeout,
    /// not a deadline for the whole reply: a long `changes` line that keeps arriving (a page of
    /// large texts on a slow link) does not time out, a silent server does.
    func deadline(after timeout: TimeAmount, waitingFor what: String) -> Deadline {
        let deadline = Deadline()
        arm(deadline, timeout: timeout, from: .now(), waitingFor: what)
        return deadline
    }

    /// Schedules the check of `deadline` for `timeout` after `start` or the last byte, if later.
    private func arm(_ deadline: Deadline, timeout: TimeAmount, from start: NIODeadline, waitingFor what: String) {
        let continuation = self.continuation
        let channel = self.channel
        let activity = self.activity
        deadline.replace(channel.eventLoop.scheduleTask(deadline: max(start, activity.lastRead) + timeout) { [self] in
            guard !deadline.isCancelled else { return }
            let due = max(start, activity.lastRead) + timeout
            if due > .now() {
                arm(deadline, timeout: timeout, from: start, waitingFor: what)
                return
            }
            continuation.finish(throwing: SyncClientError.network(.timedOut, "no \(what) from the server within \(Self.seconds(timeout))"))
            channel.close(promise: nil)
        })
    }

    /// Delivers a ``Event/tick`` every `interval` until the connection closes.
    func startTicks(every interval: TimeAmount) {
        let continuation = self.continuation
        let task = channel.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            continuation.yield(.tick)
        }
        channel.closeFuture.whenComplete { _ in task.cancel() }
    }

    /// Closes the connection; the event stream ends.
    func close() async {
        continuation.finish()
        try? await channel.close().get()
    }

    /// Maps NIO and socket errors to ``SyncClientError/network(_:_:)``.
    static func networkError(_ error: any Error, context: String) -> SyncClientError {
        if let known = error as? SyncClientError { return known }
        if case ChannelError.connectTimeout(let t) = error {
            return .network(.timedOut, "\(context): no answer within \(seconds(t))")
        }
        if let io = error as? IOError {
            return .network(kind(ofErrno: io.errnoCode), "\(context): \(reason(io.errnoCode))")
        }
        if let failed = error as? NIOConnectionError {
            if failed.dnsAError != nil || failed.dnsAAAAError != nil, failed.connectionErrors.isEmpty {
                return .network(.unreachable, "\(context): host \(failed.host) not found")
            }
            for attempt in failed.connectionErrors {
                if case ChannelError.connectTimeout(let t) = attempt.error {
                    return .network(.timedOut, "\(context): no answer within \(seconds(t))")
                }
                if let io = attempt.error as? IOError {
                    return .network(kind(ofErrno: io.errnoCode), "\(context): \(reason(io.errnoCode))")
                }
            }
            return .network(.unreachable, "\(context): \(failed.description)")
        }
        if let channelError = error as? ChannelError, channelError == .ioOnClosedChannel || channelError == .alreadyClosed {
            return .network(.closed, "\(context): the connection is closed")
        }
        return .network(.unreachable, "\(context): \(error)")
    }

    /// The system's text for an errno, e.g. "Connection refused (errno 111)": NIO's own
    /// description nests the call and the errno in a way that reads as garbled on one line.
    static func reason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: text)) (errno \(code))"
    }

    private static func kind(ofErrno code: Int32) -> SyncClientError.NetworkFailure {
        switch code {
        case ECONNREFUSED: return .refused
        case ETIMEDOUT: return .timedOut
        case ECONNRESET, EPIPE: return .closed
        default: return .unreachable
        }
    }

    static func seconds(_ t: TimeAmount) -> String { TimeText.seconds(t) }
}
