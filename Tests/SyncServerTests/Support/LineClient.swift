import Foundation
import NIOCore
import NIOPosix
import SyncModel
import SyncProtocol

/// A bare protocol client for tests: sends raw lines, reads raw lines, sees the server close.
/// When the first line it receives is a `welcome` that picks a compression (its `hello` offered
/// one), both directions switch to it there, so tests read and write the lines uncompressed.
final class LineClient: @unchecked Sendable {
    enum Event: Equatable {
        case line(String)
        case closed
    }

    struct Timeout: Error, CustomStringConvertible {
        let waitingFor: String
        var description: String { "timed out waiting for \(waitingFor)" }
    }

    let channel: any Channel
    private let inbox: Inbox

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    /// Connects to 127.0.0.1:`port`, from the loopback address `from` when given (127.0.0.2: a second client address).
    static func connect(port: Int, from: String? = nil, maxLineBytes: Int = 64 << 20) async throws -> LineClient {
        let inbox = Inbox()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let from { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: from, port: 0)) }
        let channel = try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LineReader(maxLineBytes: maxLineBytes, holdAfterFirstLine: true))
                    try channel.pipeline.syncOperations.addHandler(LineWriter())
                    try channel.pipeline.syncOperations.addHandler(Collector(inbox: inbox))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return LineClient(channel: channel, inbox: inbox)
    }

    /// Sends `text` and a newline.
    func send(_ text: String) async throws {
        try await sendRaw(Array(text.utf8) + [UInt8(ascii: "\n")])
    }

    func send(_ message: ClientMessage) async throws {
        try await channel.writeAndFlush(try WireEncoder.line(message)).get()
    }

    func sendRaw(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Writes `bytes` below the compression, as they are: a corrupt stream.
    func sendBelowCompression(_ bytes: [UInt8]) async throws {
        let channel = channel
        try await channel.eventLoop.flatSubmit {
            do {
                let writer = try channel.pipeline.syncOperations.context(handlerType: LineWriter.self)
                return writer.writeAndFlush(NIOAny(ByteBuffer(bytes: bytes)))
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }.get()
    }

    /// The next line or the close; throws after `timeout`.
    func next(timeout: Duration = .seconds(30)) async throws -> Event {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let event = inbox.pop() { return event }
            guard ContinuousClock.now < deadline else { throw Timeout(waitingFor: "a line") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// The next line decoded; throws on close or timeout.
    func message(timeout: Duration = .seconds(30)) async throws -> ServerMessage {
        guard case .line(let text) = try await next(timeout: timeout) else { throw Timeout(waitingFor: "a message before the close") }
        return try WireDecoder.serverMessage(from: ByteBuffer(string: text))
    }

    /// Sends hello and returns the welcome.
    @discardableResult
    func hello(token: String, node: String, schema: Int = 1, compression: [String]? = nil) async throws -> Welcome {
        try await send(.hello(Hello(node: node, token: token, schema: schema, compression: compression)))
        let reply = try await message()
        guard case .welcome(let welcome) = reply else { throw Unexpected(reply) }
        return welcome
    }

    /// Pushes and returns the reply (ack or error).
    func push(id: Int64, _ ops: [Op]) async throws -> ServerMessage {
        try await send(.push(Push(id: id, ops: ops)))
        return try await message()
    }

    /// Pings and checks the pong: the connection is open and served.
    /// Subscription `changes` that arrive meanwhile are skipped.
    func ping(id: Int64) async throws -> Bool {
        try await send(.ping(Ping(id: id)))
        return try await reply() == .pong(Pong(id: id))
    }

    /// The next message that is not subscription `changes`.
    func reply() async throws -> ServerMessage {
        while true {
            let message = try await message()
            if case .changes(let changes) = message, changes.id == subscriptionID { continue }
            return message
        }
    }

    /// Set when the test subscribes, so ``reply()`` can skip the stream.
    var subscriptionID: Int64? {
        get { lock.withLock { subscription } }
        set { lock.withLock { subscription = newValue } }
    }
    private let lock = NSLock()
    private var subscription: Int64?

    /// Pulls from `since` until `more` is false; returns every op.
    func pullAll(since: UInt64 = 0, limit: Int? = nil, firstID: Int64 = 1000) async throws -> [Op] {
        var ops: [Op] = []
        var cursor = since
        var id = firstID
        while true {
            try await send(.pull(Pull(id: id, since: cursor, limit: limit)))
            let reply = try await message()
            guard case .changes(let changes) = reply, changes.id == id else { throw Unexpected(reply) }
            ops += changes.ops
            cursor = changes.next
            id += 1
            if !changes.more { return ops }
        }
    }

    /// Whether the server closed the connection (after any lines still unread).
    func closedAfterDraining(timeout: Duration = .seconds(10)) async throws -> Bool {
        while true {
            if try await next(timeout: timeout) == .closed { return true }
        }
    }

    /// Stops or resumes reading from the socket (a client that does not read its replies).
    func setReading(_ reading: Bool) async throws {
        try await channel.setOption(.autoRead, value: reading).get()
        if reading { channel.read() }
    }

    func close() async {
        try? await channel.close()
    }

    struct Unexpected: Error, CustomStringConvertible {
        let message: ServerMessage
        init(_ message: ServerMessage) { self.message = message }
        var description: String { "unexpected reply \(message)" }
    }
}

private final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [LineClient.Event] = []
    private var head = 0

    func push(_ event: LineClient.Event) { lock.withLock { events.append(event) } }

    func pop() -> LineClient.Event? {
        lock.withLock {
            guard head < events.count else { return nil }
            defer { head += 1 }
            return events[head]
        }
    }
}

private final class Collector: ChannelInboundHandler {
    typealias InboundIn = LineFrame

    private let inbox: Inbox
    private var first = true

    init(inbox: Inbox) { self.inbox = inbox }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        defer { if case .line(let line) = frame { inbox.push(.line(String(buffer: line))) } }
        if first {
            // The reader holds after the first line: say how the rest travels.
            first = false
            var picked: WireCompression?
            if case .line(let line) = frame, case .welcome(let welcome)? = try? WireDecoder.serverMessage(from: line) { picked = welcome.compression }
            if let picked { context.triggerUserOutboundEvent(LineStreamSwitch.output(picked), promise: nil) }
            context.triggerUserOutboundEvent(LineStreamSwitch.input(picked), promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.push(.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
