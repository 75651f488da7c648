import SyncModel

/// A line from client to server (protocol/PROTOCOL.md, "Client messages").
///
/// ```swift
/// let line = try WireDecoder.clientMessage(from: bytes)   // throws WireError with the reply's code
/// if case .push(let push) = line { print(push.id, push.ops.count) }
/// ```
public enum ClientMessage: Hashable, Sendable {
    /// `{"type":"hello","protocol":1,"node":"sales-laptop","token":"…","schema":1,"compression":["deflate"]}`:
    /// must come first; `compression` is optional.
    case hello(Hello)
    /// `{"type":"push","id":7,"ops":[op…]}`: append own ops, all or nothing; answered by `ack` or `error`.
    case push(Push)
    /// `{"type":"pull","id":8,"since":120,"limit":1000}`: read the log after a position; answered by `changes`.
    case pull(Pull)
    /// `{"type":"subscribe","id":9,"since":120}`: `changes` now and after every commit.
    case subscribe(Subscribe)
    /// `{"type":"ping","id":10}`: answered by `pong`.
    case ping(Ping)
    /// `{"type":"state_hash","id":11}`: answered by `hash`, the daemon's state hash of what the
    /// connection's department may read.
    case stateHash(StateHash)
    /// `{"type":"snapshot","id":11,"horizon":120,"after":{"collection":"projects","row":"p1"},"limit":500}`:
    /// a page of the snapshot at the log's horizon; answered by `snapshot_page`, or by
    /// `snapshot_required` when `horizon` is no longer the daemon's.
    case snapshot(SnapshotRequest)

    /// The `type` member.
    public var type: String {
        switch self {
        case .hello: "hello"
        case .push: "push"
        case .pull: "pull"
        case .subscribe: "subscribe"
        case .ping: "ping"
        case .stateHash: "state_hash"
        case .snapshot: "snapshot"
        }
    }

    /// The request id; nil for `hello`.
    public var id: Int64? {
        switch self {
        case .hello: nil
        case .push(let m): m.id
        case .pull(let m): m.id
        case .subscribe(let m): m.id
        case .ping(let m): m.id
        case .stateHash(let m): m.id
        case .snapshot(let m): m.id
        }
    }
}

/// Opens a session: protocol version, the client's node id, its bearer token, its schema version.
public struct Hello: Hashable, Sendable, Encodable {
    public var `protocol`: Int
    /// `[A-Za-z0-9._-]{1,64}`; every pushed op must carry this node.
    public var node: String
    public var token: String
    /// The schema version the client was built with (``SyncModel/Schema/version``).
    public var schema: Int
    /// The stream compressions the client accepts, most wanted first (``WireCompression``
    /// names, e.g. `["deflate"]`; names the server does not know are passed over). nil: the
    /// member is absent, and the connection stays plain exactly as before compression existed.
    public var compression: [String]?

    public init(protocol: Int = WireProtocol.version, node: String, token: String, schema: Int, compression: [String]? = nil) {
        self.protocol = `protocol`
        self.node = node
        self.token = token
        self.schema = schema
        self.compression = compression
    }
}

/// Own ops to append, in seq order; at most the server's `max ops per push`.
public struct Push: Hashable, Sendable {
    /// Client-chosen request id, |id| ≤ 2^53, echoed in the reply.
    public var id: Int64
    public var ops: [Op]
    /// `sent_through`, optional: the highest own seq the replica may have sent before this push
    /// (0…2^53), so that every op above it is new to the wire; the daemon then refuses such an op
    /// whose dot it compacted as `duplicate_dot` instead of counting it a duplicate
    /// (protocol/PROTOCOL.md §5, step 4). nil from clients that do not say.
    public var sentThrough: UInt64?

    public init(id: Int64, ops: [Op], sentThrough: UInt64? = nil) {
        self.id = id
        self.ops = ops
        self.sentThrough = sentThrough
    }
}

/// Read ops with log position > `since`, at most `limit` (the server may return fewer).
public struct Pull: Hashable, Sendable, Encodable {
    public var id: Int64
    /// A log position, 0…2^53; 0 reads from the start.
    public var since: UInt64
    /// 1…2^53, clamped by the server; nil for the server's default.
    public var limit: Int?

    public init(id: Int64, since: UInt64, limit: Int? = nil) {
        self.id = id
        self.since = since
        self.limit = limit
    }
}

/// Stream `changes` from position `since` on, then after every commit, all tagged with `id`.
public struct Subscribe: Hashable, Sendable, Encodable {
    public var id: Int64
    public var since: UInt64

    public init(id: Int64, since: UInt64) {
        self.id = id
        self.since = since
    }
}

/// Liveness check.
public struct Ping: Hashable, Sendable, Encodable {
    public var id: Int64

    public init(id: Int64) { self.id = id }
}

/// A page of the snapshot after `after` (nil: from the first record), at most `limit` records.
/// With `horizon`, only from the snapshot at that horizon (the pages of one transfer agree).
public struct SnapshotRequest: Hashable, Sendable, Encodable {
    public var id: Int64
    /// The horizon of the transfer's first page; nil for whatever snapshot the daemon holds.
    public var horizon: UInt64?
    /// The `next` of the previous page; nil for the first page.
    public var after: SnapshotKey?
    /// 1…2^53, clamped by the server; nil for the server's default.
    public var limit: Int?

    public init(id: Int64, horizon: UInt64? = nil, after: SnapshotKey? = nil, limit: Int? = nil) {
        self.id = id
        self.horizon = horizon
        self.after = after
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey { case id, horizon, after, limit }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(horizon, forKey: .horizon)
        try c.encodeIfPresent(after.map { ["collection": $0.collection, "row": $0.row] }, forKey: .after)
        try c.encodeIfPresent(limit, forKey: .limit)
    }
}

/// Asks for the daemon's state hash of what the connection's department may read (``HashReply``),
/// so a replica can check that it agrees with the daemon without syncing.
public struct StateHash: Hashable, Sendable, Encodable {
    /// Client-chosen request id, |id| ≤ 2^53, echoed in the reply.
    public var id: Int64

    /// The request `id`.
    public init(id: Int64) { self.id = id }
}

extension ClientMessage {
    /// The message rules, whatever reads the members: `type` first, then for requests the `id`
    /// (so that every later error echoes it), then the members of the type in a fixed order.
    static func read(_ members: some MessageMembers) throws(WireError) -> ClientMessage {
        var members = members
        let idRange = -WireProtocol.maxInteger...WireProtocol.maxInteger
        // A bad `type` still echoes an `id` that reads as one (protocol/PROTOCOL.md, "error").
        func unknownType(_ message: String) -> WireError {
            WireError(.unknownType, message, id: members.int64("id").flatMap { idRange.contains($0) ? $0 : nil })
        }
        guard members.contains("type") else {
            throw unknownType("the object has no \"type\"; expected hello, push, pull, subscribe, ping, state_hash or snapshot")
        }
        guard let type = members.string("type") else {
            throw unknownType("\"type\" must be a string: hello, push, pull, subscribe, ping, state_hash or snapshot")
        }
        var reader = MemberReader(members, type: type)
        let positionRange: ClosedRange<Int64> = 0...WireProtocol.maxInteger
        switch type {
        case "hello":
            let version = try reader.integer("protocol", in: 0...WireProtocol.maxInteger)
            let node = try reader.text("node")
            guard NodeID.isValid(node) else { throw WireError(.badRequest, "hello.node: " + NodeIDError.invalid(node).description) }
            let token = try reader.text("token")
            let schema = try reader.integer("schema", in: 0...WireProtocol.maxInteger)
            let compression = try reader.optionalStrings("compression")
            return .hello(Hello(protocol: Int(version), node: node, token: token, schema: Int(schema), compression: compression))
        case "push", "pull", "subscribe", "ping", "state_hash", "snapshot":
            let id = try reader.integer("id", in: idRange)
            reader.id = id
            switch type {
            case "push":
                let ops = try reader.ops("ops")
                let sentThrough = try reader.optionalInteger("sent_through", in: positionRange)
                return .push(Push(id: id, ops: ops, sentThrough: sentThrough.map { UInt64($0) }))
            case "pull":
                let since = try reader.integer("since", in: positionRange)
                let limit = try reader.optionalInteger("limit", in: 1...WireProtocol.maxInteger)
                return .pull(Pull(id: id, since: UInt64(since), limit: limit.map { Int($0) }))
            case "subscribe":
                return .subscribe(Subscribe(id: id, since: UInt64(try reader.integer("since", in: positionRange))))
            case "state_hash":
                return .stateHash(StateHash(id: id))
            case "snapshot":
                let horizon = try reader.optionalInteger("horizon", in: positionRange)
                let after = try reader.snapshotKey("after")
                let limit = try reader.optionalInteger("limit", in: 1...WireProtocol.maxInteger)
                return .snapshot(SnapshotRequest(id: id, horizon: horizon.map { UInt64($0) }, after: after, limit: limit.map { Int($0) }))
            default:
                return .ping(Ping(id: id))
            }
        default:
            throw unknownType("unknown type \"\(type.prefix(40))\"; expected hello, push, pull, subscribe, ping, state_hash or snapshot")
        }
    }
}
