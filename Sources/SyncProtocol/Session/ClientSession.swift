import NIOCore
import SyncModel

/// The client side of one connection as a state machine value: it numbers requests, remembers what
/// each one was, and turns each server line into one ``Event`` for the caller (who owns the socket
/// and the replica).
///
/// A sync round (protocol/PROTOCOL.md, "How a client syncs"):
/// ```swift
/// var session = ClientSession(node: "sales-laptop", token: token, schema: 1)
/// send(session.hello())                        // → .welcomed(welcome): replica.observe(serverTime:)
/// send(session.push(outbox))                   // → .acknowledged(ack, throughSeq:): replica.acknowledge(through:)
/// send(session.pull(since: replica.cursor()))  // → .changes(c, followUp:): replica.applyRemote(c.ops, cursor: c.next),
///                                              //   then send followUp while it is not nil (more = true)
/// send(session.subscribe(since: cursor))       // → .changes(c, followUp: nil) after every commit
/// ```
/// A `.refused` event with `fatal` set, and every `.violation`, end the session (``phase`` is ``Phase/closed``).
public struct ClientSession: Sendable {
    /// Where the session stands.
    public enum Phase: Hashable, Sendable {
        /// `hello` not yet made.
        case start
        /// `hello` sent; requests may already be sent, the server queues them (not after a
        /// `hello` that offers compression: the welcome says how they must be sent).
        case awaitingWelcome
        /// `welcome` received.
        case ready
        /// A fatal error or a protocol violation; close the connection.
        case closed
    }

    /// What a server line means for the caller.
    public enum Event: Hashable, Sendable {
        /// The server accepted `hello`.
        case welcomed(Welcome)
        /// A push is durable on the server; the replica may drop its own ops with seq ≤ `throughSeq`
        /// (nil when the push was empty).
        case acknowledged(Ack, throughSeq: UInt64?)
        /// Ops to apply in order, then store `changes.next` as the cursor. For a pull with
        /// `more` = true, `followUp` is the next pull to send.
        case changes(Changes, followUp: ClientMessage?)
        case pong(id: Int64)
        /// The daemon's state hash of this department's scope, answering ``ClientSession/stateHash()``.
        case stateHash(HashReply)
        /// A page of the snapshot; while `more` is true, `followUp` is the request of the next page
        /// (same horizon, after this page's `next`).
        case snapshotPage(SnapshotPage, followUp: ClientMessage?)
        /// The server refused a request (`request` is nil when the error carried no id we sent).
        case refused(ErrorReply, request: Request?)
        /// The server broke the protocol (unexpected message, positions going back); close.
        case violation(String)
    }

    /// A request awaiting its reply.
    public enum Request: Hashable, Sendable {
        case push(throughSeq: UInt64?)
        case pull(since: UInt64, limit: Int?)
        case subscribe
        case ping
        case stateHash
        case snapshot(horizon: UInt64?, after: SnapshotKey?, limit: Int?)
    }

    public let node: String
    public let token: String
    public let schema: Int
    /// The stream compressions offered in `hello.compression`, most wanted first; empty: the
    /// member is left out and the connection stays plain.
    public let offeredCompression: [WireCompression]
    public private(set) var phase: Phase = .start
    /// What `welcome.compression` picked, once welcomed: from the next line on, both directions
    /// are a stream of it (the caller switches its reader and writer, ``LineStreamSwitch``); nil: plain.
    public private(set) var compression: WireCompression?
    /// The welcome, once received.
    public private(set) var welcome: Welcome?
    /// The subscription's request id, once `subscribe` was sent.
    public private(set) var subscriptionID: Int64?
    /// The last position the subscription delivered; `changes` must move past it.
    private var subscriptionCursor: UInt64 = 0
    private var nextID: Int64 = 1
    private var outstanding: [Int64: Request] = [:]

    /// - Parameter compression: offered in `hello.compression`; when not empty, send nothing
    ///   after `hello` until the welcome (or a refusal) has been received.
    public init(node: String, token: String, schema: Int, compression: [WireCompression] = []) {
        self.node = node
        self.token = token
        self.schema = schema
        self.offeredCompression = compression
    }

    /// Requests sent and not yet answered (the subscription is not counted).
    public var outstandingRequests: Int { outstanding.count }

    // MARK: Requests

    /// The `hello` line; call once, first.
    public mutating func hello() -> ClientMessage {
        phase = .awaitingWelcome
        let offer = offeredCompression.isEmpty ? nil : offeredCompression.map(\.rawValue)
        return .hello(Hello(node: node, token: token, schema: schema, compression: offer))
    }

    /// A push of own ops in seq order.
    public mutating func push(_ ops: [Op]) -> ClientMessage {
        let id = takeID(.push(throughSeq: ops.map(\.seq).max()))
        return .push(Push(id: id, ops: ops))
    }

    /// The `push` line of own ops encoded already (``SyncModel/EncodedOp``), in seq order: the
    /// same request as ``push(_:)``, written without encoding the ops again.
    public mutating func push(encoded ops: [EncodedOp], sentThrough: UInt64? = nil) -> ByteBuffer {
        let id = takeID(.push(throughSeq: ops.map(\.seq).max()))
        return WireEncoder.pushLine(id: id, ops: ops, sentThrough: sentThrough)
    }

    /// A pull of the ops after position `since`.
    public mutating func pull(since: UInt64, limit: Int? = nil) -> ClientMessage {
        let id = takeID(.pull(since: since, limit: limit))
        return .pull(Pull(id: id, since: since, limit: limit))
    }

    /// A subscription from position `since`; one per connection.
    public mutating func subscribe(since: UInt64) -> ClientMessage {
        let id = takeID(.subscribe)
        subscriptionID = id
        subscriptionCursor = since
        return .subscribe(Subscribe(id: id, since: since))
    }

    /// A page of the snapshot after `after` (nil: the first page); `horizon` pins the transfer to
    /// the snapshot its first page came from (nil for the first page).
    public mutating func snapshot(horizon: UInt64?, after: SnapshotKey?, limit: Int? = nil) -> ClientMessage {
        let id = takeID(.snapshot(horizon: horizon, after: after, limit: limit))
        return .snapshot(SnapshotRequest(id: id, horizon: horizon, after: after, limit: limit))
    }

    public mutating func ping() -> ClientMessage {
        .ping(Ping(id: takeID(.ping)))
    }

    /// Asks for the daemon's state hash of what this connection's department may read.
    public mutating func stateHash() -> ClientMessage {
        .stateHash(StateHash(id: takeID(.stateHash)))
    }

    // MARK: Replies

    /// Interprets one server line.
    public mutating func receive(_ message: ServerMessage) -> Event {
        guard phase != .closed else { return .violation("a line arrived after the session ended") }
        if case .error(let reply) = message { return refused(reply) }
        if phase != .ready {
            guard case .welcome(let welcome) = message, phase == .awaitingWelcome else {
                return violation("expected welcome, got \(message.type)")
            }
            guard welcome.protocol == WireProtocol.version else {
                return violation("server speaks protocol \(welcome.protocol), not \(WireProtocol.version)")
            }
            if let picked = welcome.compression, !offeredCompression.contains(picked) {
                return violation("server picked compression \(picked.rawValue), which was not offered")
            }
            compression = welcome.compression
            phase = .ready
            self.welcome = welcome
            return .welcomed(welcome)
        }
        switch message {
        case .welcome:
            return violation("a second welcome")
        case .ack(let ack):
            guard case .push(let through)? = outstanding.removeValue(forKey: ack.id) else {
                return violation("ack \(ack.id) answers no push")
            }
            return .acknowledged(ack, throughSeq: through)
        case .pong(let pong):
            guard outstanding.removeValue(forKey: pong.id) == .ping else { return violation("pong \(pong.id) answers no ping") }
            return .pong(id: pong.id)
        case .hash(let reply):
            guard outstanding.removeValue(forKey: reply.id) == .stateHash else { return violation("hash \(reply.id) answers no state_hash") }
            guard Hex.isLowercase(reply.hash, count: 64) else { return violation("hash \(reply.id) is not 64 lowercase hex digits") }
            return .stateHash(reply)
        case .changes(let changes):
            return receiveChanges(changes)
        case .snapshotPage(let reply):
            guard case .snapshot(let horizon, let after, let limit)? = outstanding.removeValue(forKey: reply.id) else {
                return violation("snapshot_page \(reply.id) answers no snapshot request")
            }
            let page = reply.page
            if let horizon, page.horizon != horizon { return violation("snapshot_page at horizon \(page.horizon), asked for \(horizon)") }
            if let after, let next = page.next, next < after { return violation("snapshot_page \(reply.id) goes back before \(after)") }
            if page.more, page.records.isEmpty { return violation("snapshot_page says more but holds no records") }
            let followUp = page.more ? snapshot(horizon: page.horizon, after: page.next, limit: limit) : nil
            return .snapshotPage(page, followUp: followUp)
        case .error:
            return violation("unreachable")
        }
    }

    private mutating func receiveChanges(_ changes: Changes) -> Event {
        if changes.id == subscriptionID {
            outstanding.removeValue(forKey: changes.id)
            guard isOrdered(changes, after: subscriptionCursor) else {
                return violation("subscription changes do not continue from position \(subscriptionCursor)")
            }
            subscriptionCursor = changes.next
            return .changes(changes, followUp: nil)
        }
        guard case .pull(let since, let limit)? = outstanding.removeValue(forKey: changes.id) else {
            return violation("changes \(changes.id) answer no pull or subscribe")
        }
        guard isOrdered(changes, after: since) else {
            return violation("changes \(changes.id) do not continue from position \(since)")
        }
        let followUp = changes.more ? pull(since: changes.next, limit: limit) : nil
        return .changes(changes, followUp: followUp)
    }

    /// Ops carry increasing positions after `since`, and `next` is the last of them (or `since`).
    private func isOrdered(_ changes: Changes, after since: UInt64) -> Bool {
        var last = since
        for op in changes.ops {
            guard let position = op.log, position > last else { return false }
            last = position
        }
        return changes.next == last
    }

    private mutating func refused(_ reply: ErrorReply) -> Event {
        let request = reply.id.flatMap { outstanding.removeValue(forKey: $0) }
        if request == .subscribe { subscriptionID = nil }
        if reply.fatal { phase = .closed }
        return .refused(reply, request: request)
    }

    private mutating func violation(_ text: String) -> Event {
        phase = .closed
        return .violation(text)
    }

    private mutating func takeID(_ request: Request) -> Int64 {
        let id = nextID
        nextID += 1
        outstanding[id] = request
        return id
    }
}
