import NIOCore
import SyncModel

/// The server side of one connection as a state machine value (protocol/PROTOCOL.md, "Session").
/// It touches no socket and no storage: each input returns the ``Action``s for the caller to run,
/// and the caller reports each result back (``authenticated(department:head:time:)``,
/// ``committed(_:)``, ``pulled(ops:next:more:)``, ``hashed(_:head:)``, …).
///
/// Order: `hello` first (anything else → `auth_required`, fatal), then the protocol and schema
/// versions (`protocol_version`, fatal), then the token (`auth_failed`, fatal). After `welcome`,
/// requests run one at a time in arrival order; lines that arrive meanwhile wait in a queue, so
/// replies come in request order. A queued line is decoded when it arrives, so a pipelining
/// client's next push is decoded while the one before it commits. Subscription `changes` are sent
/// by the caller between replies.
///
/// ```swift
/// var session = ServerSession(configuration: .init(serverNode: "plansyncd", schemaVersion: 1))
/// for action in session.receivedLine(line) {
///     switch action {
///     case .send(let message): write(message)
///     case .authenticate(let token): lookUp(token)   // then session.authenticated(…)
///     …
///     }
/// }
/// ```
public struct ServerSession: Sendable {
    /// Limits and identity the session needs.
    public struct Configuration: Hashable, Sendable {
        /// The server's node id, sent in `welcome.server`.
        public var serverNode: String
        /// The newest schema version accepted in `hello.schema`.
        public var schemaVersion: Int
        /// Pushes with more ops get `too_many_ops` (not fatal).
        public var maxOpsPerPush: Int
        /// `limit` used when a pull has none.
        public var defaultPullLimit: Int
        /// Pull limits are clamped to this.
        public var maxPullLimit: Int
        /// After `welcome`, how many lines may wait behind the request in flight before the
        /// session stops wanting input, so that a pipelining client's next request is read while
        /// the current one runs (instead of waiting in a full TCP window).
        public var readAheadLines: Int
        /// …as long as the waiting lines stay under this many bytes.
        public var readAheadBytes: Int
        /// A connection without a subscription, with no push or pull in flight, that is silent
        /// this long gets `idle_timeout` and a close. Default 5 minutes.
        public var idleTimeout: TimeAmount
        /// A subscribed connection (its catch-up included) that is silent this long gets
        /// `idle_timeout` and a close, so a frozen laptop does not keep its connection slot: a live
        /// watcher pings well within it. Default 90 s.
        public var subscriberTimeout: TimeAmount
        /// The stream compressions the server picks from when `hello.compression` offers one
        /// (the client's order decides); empty: every connection stays plain. Default: all.
        public var compression: [WireCompression]

        public init(serverNode: String, schemaVersion: Int, maxOpsPerPush: Int = WireProtocol.maxOpsPerPush,
                    defaultPullLimit: Int = WireProtocol.defaultPullLimit, maxPullLimit: Int = WireProtocol.maxPullLimit,
                    readAheadLines: Int = 1, readAheadBytes: Int = 4 * 1024 * 1024,
                    idleTimeout: TimeAmount = .minutes(5), subscriberTimeout: TimeAmount = .seconds(90),
                    compression: [WireCompression] = WireCompression.allCases) {
            self.serverNode = serverNode
            self.schemaVersion = schemaVersion
            self.maxOpsPerPush = maxOpsPerPush
            self.defaultPullLimit = defaultPullLimit
            self.maxPullLimit = maxPullLimit
            self.readAheadLines = readAheadLines
            self.readAheadBytes = readAheadBytes
            self.idleTimeout = idleTimeout
            self.subscriberTimeout = subscriberTimeout
            self.compression = compression
        }
    }

    /// What the caller must do, in order.
    public enum Action: Hashable, Sendable {
        /// Write this line.
        case send(ServerMessage)
        /// The client's bytes after its `hello` line are a stream of this compression: inflate
        /// them before splitting lines (``LineStreamSwitch/input(_:)``). Comes before
        /// ``authenticate(token:)``; a refused hello is then answered plain and closed.
        case inflateInput(WireCompression)
        /// Every line written after the `welcome` just sent goes out in this compression
        /// (``LineStreamSwitch/output(_:)``), `changes` of the subscription included.
        case deflateOutput(WireCompression)
        /// Look the token up, then call ``ServerSession/authenticated(department:head:time:)``
        /// (or ``ServerSession/failed(_:)``).
        case authenticate(token: String)
        /// Commit the push durably (``ServerLogStorage/commit(_:schema:wallMilliseconds:maxSkewMilliseconds:)``),
        /// then call ``ServerSession/committed(_:)`` or ``ServerSession/refused(_:)``.
        case commit(id: Int64, push: PendingPush)
        /// Write the `changes` line of ops encoded already (``WireEncoder/changesLine(id:page:)``).
        case sendChanges(id: Int64, page: EncodedPage)
        /// Read ops after `since` (at most `limit`), then call ``ServerSession/pulled(_:)``
        /// (or ``ServerSession/pulled(ops:next:more:)``).
        case pull(id: Int64, since: UInt64, limit: Int)
        /// Send `changes` after `since` tagged `id`, register for live commits, then call
        /// ``ServerSession/subscribed()``.
        case subscribe(id: Int64, since: UInt64)
        /// Compute the state hash of what `department` may read under the rules in force, for one
        /// log position (``SyncModel/ServerLogStorage/scopedCanonicalForm(of:rules:schema:)``),
        /// then call ``ServerSession/hashed(_:head:)`` (or ``ServerSession/failed(_:)``).
        case stateHash(id: Int64, department: String)
        /// Read a page of the snapshot (``SyncModel/ServerLogStorage/snapshotPage(horizon:after:limit:maxBytes:readable:)``),
        /// then call ``ServerSession/snapshotRead(_:)``, or ``ServerSession/snapshotRequired(horizon:)``
        /// when the snapshot is no longer at `horizon`.
        case snapshot(id: Int64, horizon: UInt64?, after: SnapshotKey?, limit: Int)
        /// Close the connection (after writing what was sent before).
        case close
    }

    enum State: Hashable, Sendable {
        case awaitingHello
        case authenticating(node: String)
        case ready(node: String, department: String)
        case closed
    }

    enum Request: Hashable, Sendable {
        case authenticate
        case push(id: Int64)
        case pull(id: Int64)
        case subscribe(id: Int64)
        case stateHash(id: Int64)
        case snapshot(id: Int64)
    }

    /// A line waiting behind the request in flight, decoded already: nil for a blank line.
    private struct QueuedLine: Sendable {
        let message: Result<ClientMessage, WireError>?
        let bytes: Int
    }

    public let configuration: Configuration
    private var state: State = .awaitingHello
    private var inFlight: Request?
    private var queued: [QueuedLine] = []
    private var queuedBytes = 0
    private var quiescing = false
    /// The id of this connection's subscription, once `subscribe` was accepted.
    public private(set) var subscriptionID: Int64?
    /// The compression picked from `hello.compression` (sent in `welcome.compression`); nil: plain.
    public private(set) var compression: WireCompression?

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The authenticated node and department, nil before `welcome`.
    public var peer: (node: String, department: String)? {
        if case let .ready(node, department) = state { return (node, department) }
        return nil
    }

    /// Whether the connection is finished; the caller closes it.
    public var isClosed: Bool { state == .closed }

    /// Whether the session waits for input: no request in flight and nothing queued, or, after
    /// `welcome`, fewer queued lines and bytes than ``Configuration/readAheadLines`` and
    /// ``Configuration/readAheadBytes``. The caller
    /// reads from the socket only then, so a client cannot make the queue grow.
    public var wantsInput: Bool {
        guard !isClosed else { return false }
        if inFlight == nil, queued.isEmpty { return true }
        guard case .ready = state else { return false }
        return queued.count < configuration.readAheadLines && queuedBytes < configuration.readAheadBytes
    }

    // MARK: Inputs from the connection

    /// A line arrived (terminator removed).
    public mutating func receivedLine(_ line: ByteBuffer) -> [Action] {
        guard !isClosed, !quiescing else { return [] }
        if inFlight != nil || !queued.isEmpty {
            queued.append(QueuedLine(message: ServerSession.decode(line), bytes: line.readableBytes))
            queuedBytes += line.readableBytes
            return []
        }
        return handle(ServerSession.decode(line))
    }

    /// The client's compressed stream does not inflate (`reason` says why): `bad_compression`, fatal.
    public mutating func corruptStream(_ reason: String) -> [Action] {
        guard !isClosed else { return [] }
        return fatal(WireError(.badCompression, "the compressed stream does not inflate: \(reason)"))
    }

    /// A line passed the limit of `limit` bytes: `line_too_long`, fatal.
    public mutating func lineTooLong(limit: Int) -> [Action] {
        guard !isClosed else { return [] }
        return fatal(WireError(.lineTooLong, "a line is longer than the limit of \(limit) bytes"))
    }

    /// The peer has given no sign of life for `silence`: no line, and no output drained (the
    /// caller measures both, see protocol/PROTOCOL.md, "Limits"). `idle_timeout`, fatal, once
    /// `silence` reaches the timeout that applies:
    /// - with a subscription, or its catch-up in flight: ``Configuration/subscriberTimeout``,
    ///   whatever else is in flight (a frozen subscriber must not keep its slot; a live one pings);
    /// - otherwise ``Configuration/idleTimeout``, unless a request is in flight (the wait is the
    ///   server's, not the client's).
    /// Returns nothing before that.
    public mutating func silent(for silence: TimeAmount) -> [Action] {
        guard !isClosed else { return [] }
        if subscriptionID != nil {
            guard silence >= configuration.subscriberTimeout else { return [] }
            return fatal(WireError(.idleTimeout, "a subscriber sent nothing and read nothing for \(TimeText.seconds(configuration.subscriberTimeout)); a live client pings; connect again when needed"))
        }
        guard inFlight == nil, queued.isEmpty, silence >= configuration.idleTimeout else { return [] }
        return fatal(WireError(.idleTimeout, "no request for \(TimeText.seconds(configuration.idleTimeout)); connect again when needed"))
    }

    /// The shortest timeout of ``silent(for:)``, so the caller knows how often to measure.
    public var shortestTimeout: TimeAmount {
        min(configuration.idleTimeout, configuration.subscriberTimeout)
    }

    /// The daemon is stopping: finish the request in flight, drop queued lines, then `shutting_down`, fatal.
    public mutating func quiesce() -> [Action] {
        guard !isClosed else { return [] }
        quiescing = true
        queued.removeAll()
        queuedBytes = 0
        return inFlight == nil ? shutDown() : []
    }

    /// The peer went away.
    public mutating func connectionClosed() {
        state = .closed
        queued.removeAll()
        queuedBytes = 0
    }

    // MARK: Results of actions

    /// The token's department (nil: unknown or revoked), with the log head, the server's HLC now
    /// and the daemon's access rules (`welcome.rules` carries the entries concerning the department).
    public mutating func authenticated(department: String?, head: UInt64, time: HLCTimestamp, rules: AccessRules = .open) -> [Action] {
        guard case .authenticating(let node) = state, inFlight == .authenticate else { return [] }
        inFlight = nil
        guard let department else {
            return fatal(WireError(.authFailed, "the token is unknown or revoked"))
        }
        state = .ready(node: node, department: department)
        // Without rules the member is left out, as a daemon without rules knowledge leaves it out.
        let concerning = rules.isOpen ? nil : AccessRules.Wire(entries: rules.concerning(department).entries, version: rules.version)
        let welcome = Welcome(server: configuration.serverNode, department: department, time: time, head: head, rules: concerning,
                              compression: compression)
        return [.send(.welcome(welcome))] + (compression.map { [.deflateOutput($0)] } ?? []) + resume()
    }

    /// The token is refused (expired, revoked since `welcome`, or the address is held back after
    /// failed attempts): `auth_failed` with `reason`, fatal, whether authenticating or ready. A push
    /// in flight still commits; its ack is lost, so the client keeps the ops and resends them.
    public mutating func tokenRefused(_ reason: String) -> [Action] {
        guard !isClosed else { return [] }
        return fatal(WireError(.authFailed, reason))
    }

    /// The push in flight is durable.
    public mutating func committed(_ commit: LogCommit) -> [Action] {
        guard case .push(let id)? = inFlight else { return [] }
        inFlight = nil
        let ack = Ack(id: id, accepted: commit.appended.count, duplicates: commit.duplicates, head: commit.head)
        return [.send(.ack(ack))] + resume()
    }

    /// The push in flight was refused, nothing changed.
    public mutating func refused(_ refusal: Admission.Refusal) -> [Action] {
        guard case .push(let id)? = inFlight else { return [] }
        inFlight = nil
        return [.send(WireError(refusal, id: id).reply(fatal: false))] + resume()
    }

    /// The pull in flight read `ops`; `next` and `more` as in `changes`.
    public mutating func pulled(ops: [Op], next: UInt64, more: Bool) -> [Action] {
        guard case .pull(let id)? = inFlight else { return [] }
        inFlight = nil
        return [.send(.changes(Changes(id: id, ops: ops, next: next, more: more)))] + resume()
    }

    /// The pull in flight read a page of ops encoded already.
    public mutating func pulled(_ page: EncodedPage) -> [Action] {
        guard case .pull(let id)? = inFlight else { return [] }
        inFlight = nil
        return [.sendChanges(id: id, page: page)] + resume()
    }

    /// The snapshot request in flight read `page`.
    public mutating func snapshotRead(_ page: SnapshotPage) -> [Action] {
        guard case .snapshot(let id)? = inFlight else { return [] }
        inFlight = nil
        return [.send(.snapshotPage(SnapshotPageReply(id: id, page: page)))] + resume()
    }

    /// The pull, subscription or snapshot page in flight reaches behind the log's horizon (or its
    /// snapshot was replaced): `snapshot_required` naming `horizon`, not fatal.
    public mutating func snapshotRequired(horizon: UInt64) -> [Action] {
        let id: Int64
        switch inFlight {
        case .pull(let i)?, .snapshot(let i)?: id = i
        case .subscribe(let i)?:
            id = i
            subscriptionID = nil
        default: return []
        }
        inFlight = nil
        let error = ErrorReply(id: id, code: .snapshotRequired,
                               message: "the log is compacted through position \(horizon): fetch the snapshot at \(horizon), then pull from \(horizon)",
                               fatal: false, horizon: horizon)
        return [.send(.error(error))] + resume()
    }

    /// The subscription in flight sent its catch-up and is registered for live commits.
    public mutating func subscribed() -> [Action] {
        guard case .subscribe? = inFlight else { return [] }
        inFlight = nil
        return resume()
    }

    /// The state hash in flight is computed: `hash` (64 hex digits) for the department's scope at
    /// position `head` (the last position it covers that the department may read).
    public mutating func hashed(_ hash: String, head: UInt64) -> [Action] {
        guard case .stateHash(let id)? = inFlight else { return [] }
        inFlight = nil
        return [.send(.hash(HashReply(id: id, hash: hash, head: head)))] + resume()
    }

    /// The action in flight failed in storage: `internal`, fatal while authenticating, else not.
    public mutating func failed(_ message: String) -> [Action] {
        guard let request = inFlight else { return [] }
        inFlight = nil
        switch request {
        case .authenticate:
            return fatal(WireError(.internal, message))
        case .push(let id), .pull(let id), .stateHash(let id), .snapshot(let id):
            return [.send(WireError(.internal, message, id: id).reply(fatal: false))] + resume()
        case .subscribe(let id):
            subscriptionID = nil
            return [.send(WireError(.internal, message, id: id).reply(fatal: false))] + resume()
        }
    }

    // MARK: Internals

    /// After a result: stop if quiescing, else handle queued lines until one starts a request.
    private mutating func resume() -> [Action] {
        if quiescing { return shutDown() }
        var actions: [Action] = []
        while inFlight == nil, !isClosed, !queued.isEmpty {
            let line = queued.removeFirst()
            queuedBytes -= line.bytes
            actions += handle(line.message)
        }
        return actions
    }

    /// The message of a line; nil for a blank line, which is ignored.
    private static func decode(_ line: ByteBuffer) -> Result<ClientMessage, WireError>? {
        if WireDecoder.isBlank(line) { return nil }
        return Result { () throws(WireError) in try WireDecoder.clientMessage(from: line) }
    }

    private mutating func handle(_ decoded: Result<ClientMessage, WireError>?) -> [Action] {
        guard let decoded else { return [] }
        let message: ClientMessage
        switch decoded {
        case .success(let m): message = m
        case .failure(let error): return state == .awaitingHello ? fatal(error) : [.send(error.reply(fatal: false))]
        }
        switch state {
        case .awaitingHello:
            return hello(message)
        case .ready(let node, let department):
            return request(message, node: node, department: department)
        case .authenticating, .closed:
            return []
        }
    }

    private mutating func hello(_ message: ClientMessage) -> [Action] {
        guard case .hello(let hello) = message else {
            return fatal(WireError(.authRequired, "send hello first", id: message.id))
        }
        guard hello.protocol == WireProtocol.version else {
            return fatal(WireError(.protocolVersion, "protocol version \(hello.protocol) is not supported; this server speaks \(WireProtocol.version)"))
        }
        guard (1...configuration.schemaVersion).contains(hello.schema) else {
            return fatal(WireError(.protocolVersion, "schema version \(hello.schema) is not supported; this server knows 1 to \(configuration.schemaVersion)"))
        }
        state = .authenticating(node: hello.node)
        inFlight = .authenticate
        // The client sends nothing after a hello that offers compression until it has read the
        // welcome; what it sends then is compressed if the welcome picks a compression.
        compression = WireCompression.choose(offered: hello.compression, accepted: configuration.compression)
        return (compression.map { [.inflateInput($0)] } ?? []) + [.authenticate(token: hello.token)]
    }

    private mutating func request(_ message: ClientMessage, node: String, department: String) -> [Action] {
        switch message {
        case .hello:
            return [.send(WireError(.badRequest, "hello was already accepted on this connection").reply(fatal: false))]
        case .push(let push):
            guard push.ops.count <= configuration.maxOpsPerPush else {
                return [.send(WireError(.tooManyOps, "a push may carry at most \(configuration.maxOpsPerPush) ops, this one has \(push.ops.count); split it", id: push.id).reply(fatal: false))]
            }
            inFlight = .push(id: push.id)
            // `department` and `log` are the server's to set: drop whatever the client wrote there
            // (clients rarely write them, so the ops are copied only when one does).
            let stamped = push.ops.contains { $0.department != nil || $0.log != nil }
            return [.commit(id: push.id, push: PendingPush(ops: stamped ? push.ops.map(\.content) : push.ops, node: node,
                                                           department: department, sentThrough: push.sentThrough))]
        case .pull(let pull):
            inFlight = .pull(id: pull.id)
            let limit = min(pull.limit ?? configuration.defaultPullLimit, configuration.maxPullLimit)
            return [.pull(id: pull.id, since: pull.since, limit: max(1, limit))]
        case .subscribe(let subscribe):
            guard subscriptionID == nil else {
                return [.send(WireError(.badRequest, "this connection already has subscription \(subscriptionID ?? 0)", id: subscribe.id).reply(fatal: false))]
            }
            inFlight = .subscribe(id: subscribe.id)
            subscriptionID = subscribe.id
            return [.subscribe(id: subscribe.id, since: subscribe.since)]
        case .ping(let ping):
            return [.send(.pong(Pong(id: ping.id)))]
        case .stateHash(let request):
            inFlight = .stateHash(id: request.id)
            return [.stateHash(id: request.id, department: department)]
        case .snapshot(let request):
            inFlight = .snapshot(id: request.id)
            let limit = min(request.limit ?? configuration.defaultPullLimit, configuration.maxPullLimit)
            return [.snapshot(id: request.id, horizon: request.horizon, after: request.after, limit: max(1, limit))]
        }
    }

    private mutating func shutDown() -> [Action] {
        fatal(WireError(.shuttingDown, "the server is shutting down; connect again later"))
    }

    private mutating func fatal(_ error: WireError) -> [Action] {
        state = .closed
        inFlight = nil
        queued.removeAll()
        queuedBytes = 0
        return [.send(error.reply(fatal: true)), .close]
    }
}
