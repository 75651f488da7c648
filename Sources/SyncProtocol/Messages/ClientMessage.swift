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

    /// The `type` member.
    public var type: String {
        switch self {
        case .hello: "hello"
        case .push: "push"
        case .pull: "pull"
        case .subscribe: "subscribe"
        case .ping: "ping"
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
public struct Push: Hashable, Sendable, Encodable {
    /// Client-chosen request id, |id| ≤ 2^53, echoed in the reply.
    public var id: Int64
    public var ops: [Op]

    public init(id: Int64, ops: [Op]) {
        self.id = id
        self.ops = ops
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

extension ClientMessage: Codable {
    /// Decodes and classifies failures; every error thrown is a ``WireError`` (see ``MemberReader``).
    public init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<AnyKey>
        do { container = try decoder.container(keyedBy: AnyKey.self) } catch {
            throw WireError(.badJSON, "expected a JSON object")
        }
        self = try ClientMessage.read(CodableMembers(container: container))
    }

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
            throw unknownType("the object has no \"type\"; expected hello, push, pull, subscribe or ping")
        }
        guard let type = members.string("type") else {
            throw unknownType("\"type\" must be a string: hello, push, pull, subscribe or ping")
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
        case "push", "pull", "subscribe", "ping":
            let id = try reader.integer("id", in: idRange)
            reader.id = id
            switch type {
            case "push":
                return .push(Push(id: id, ops: try reader.ops("ops")))
            case "pull":
                let since = try reader.integer("since", in: positionRange)
                let limit = try reader.optionalInteger("limit", in: 1...WireProtocol.maxInteger)
                return .pull(Pull(id: id, since: UInt64(since), limit: limit.map { Int($0) }))
            case "subscribe":
                return .subscribe(Subscribe(id: id, since: UInt64(try reader.integer("since", in: positionRange))))
            default:
                return .ping(Ping(id: id))
            }
        default:
            throw unknownType("unknown type \"\(type.prefix(40))\"; expected hello, push, pull, subscribe or ping")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .hello(let m): try m.encode(to: encoder)
        case .push(let m): try m.encode(to: encoder)
        case .pull(let m): try m.encode(to: encoder)
        case .subscribe(let m): try m.encode(to: encoder)
        case .ping(let m): try m.encode(to: encoder)
        }
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(type, forKey: AnyKey("type"))
    }
}
