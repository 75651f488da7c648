import SyncModel

/// A line from server to client (protocol/PROTOCOL.md, "Server messages").
public enum ServerMessage: Hashable, Sendable {
    /// Answers a good `hello`.
    case welcome(Welcome)
    /// Answers a committed `push`; sent only once the ops are durable.
    case ack(Ack)
    /// Answers a `pull`, and streams a subscription (then `id` is the subscribe's id).
    case changes(Changes)
    /// Answers `ping`.
    case pong(Pong)
    /// Answers `state_hash`.
    case hash(HashReply)
    /// Answers `snapshot`: one page of the snapshot at the log's horizon.
    case snapshotPage(SnapshotPageReply)
    /// A refusal; `fatal` says the server closes the connection after it.
    case error(ErrorReply)

    /// The `type` member.
    public var type: String {
        switch self {
        case .welcome: "welcome"
        case .ack: "ack"
        case .changes: "changes"
        case .pong: "pong"
        case .hash: "hash"
        case .snapshotPage: "snapshot_page"
        case .error: "error"
        }
    }
}

/// `{"type":"welcome","protocol":1,"server":"plansyncd","department":"sales","time":"0193…","head":42,"rules":{…},"compression":"deflate"}`
public struct Welcome: Hashable, Sendable, Codable {
    public var `protocol`: Int
    /// The server's node id.
    public var server: String
    /// The department bound to the token; stamped on every op this client pushes.
    public var department: String
    /// The server's HLC reading, for the client's receive rule.
    public var time: HLCTimestamp
    /// The last log position (0 when empty).
    public var head: UInt64
    /// The access rules that concern this department, with the version of the daemon's rules
    /// (``SyncModel/AccessRules/concerning(_:)``). Absent when the daemon serves without rules
    /// (or predates them): then every department may read and write everything.
    public var rules: AccessRules.Wire?
    /// The compression the server picked from `hello.compression`: after this line, both
    /// directions of the connection are one stream of it. Absent (nil): both stay plain.
    public var compression: WireCompression?

    public init(protocol: Int = WireProtocol.version, server: String, department: String, time: HLCTimestamp, head: UInt64,
                rules: AccessRules.Wire? = nil, compression: WireCompression? = nil) {
        self.protocol = `protocol`
        self.server = server
        self.department = department
        self.time = time
        self.head = head
        self.rules = rules
        self.compression = compression
    }
}

/// `{"type":"ack","id":7,"accepted":3,"duplicates":0,"head":45}`
public struct Ack: Hashable, Sendable, Codable {
    public var id: Int64
    /// Ops appended by this push.
    public var accepted: Int
    /// Ops of the push that were already in the log with the same content.
    public var duplicates: Int
    /// The last log position after the commit.
    public var head: UInt64

    public init(id: Int64, accepted: Int, duplicates: Int, head: UInt64) {
        self.id = id
        self.accepted = accepted
        self.duplicates = duplicates
        self.head = head
    }
}

/// `{"type":"changes","id":8,"ops":[op…],"next":45,"more":false}`: ops in log order, each with
/// `department` and `log`; `next` is the position to send as the next `since`.
public struct Changes: Hashable, Sendable {
    public var id: Int64
    public var ops: [Op]
    /// Log position of the last op here, or the request's `since` when there is none.
    public var next: UInt64
    /// Whether the log held more ops after `next` when this page was read.
    public var more: Bool

    public init(id: Int64, ops: [Op], next: UInt64, more: Bool) {
        self.id = id
        self.ops = ops
        self.next = next
        self.more = more
    }
}

/// `{"type":"pong","id":10}`
public struct Pong: Hashable, Sendable, Codable {
    public var id: Int64

    public init(id: Int64) { self.id = id }
}

/// `{"type":"hash","id":11,"hash":"<64 hex digits>","head":45}`: the daemon's state hash of what the
/// connection's department may read (protocol/PROTOCOL.md, "hash").
public struct HashReply: Hashable, Sendable, Codable {
    public var id: Int64
    /// SHA-256 of the canonical form of the department's scope, 64 lowercase hex digits: what its
    /// replicas print as `state_hash` once they hold the same ops.
    public var hash: String
    /// The position the hash is for: the last log position it covers that the department may read
    /// (0 when none). A replica whose cursor is there, with an empty outbox, holds the same ops.
    public var head: UInt64

    /// The reply to `state_hash` `id`.
    public init(id: Int64, hash: String, head: UInt64) {
        self.id = id
        self.hash = hash
        self.head = head
    }
}

/// `{"type":"error","id":7,"code":"seq_gap","message":"…","fatal":false}`; `id` is absent when the
/// failing line had no readable id. `snapshot_required` also carries `horizon`.
public struct ErrorReply: Hashable, Sendable, Encodable {
    public var id: Int64?
    public var code: ErrorCode
    public var message: String
    public var fatal: Bool
    /// With `snapshot_required`: the log position the daemon's snapshot folds in; nil otherwise.
    public var horizon: UInt64?

    public init(id: Int64?, code: ErrorCode, message: String, fatal: Bool, horizon: UInt64? = nil) {
        self.id = id
        self.code = code
        self.message = message
        self.fatal = fatal
        self.horizon = horizon
    }

    enum CodingKeys: String, CodingKey { case id, code, message, fatal, horizon }

    /// A code this version does not know reads as `internal`, its text kept in `message`,
    /// so an older client still reads a newer server's refusals.
    init(id: Int64?, rawCode: String, message: String, fatal: Bool, horizon: UInt64? = nil) {
        if let known = ErrorCode(rawValue: rawCode) {
            self.init(id: id, code: known, message: message, fatal: fatal, horizon: horizon)
        } else {
            self.init(id: id, code: .internal, message: "\(rawCode): \(message)", fatal: fatal)
        }
    }
}

/// `{"type":"snapshot_page","id":11,"horizon":120,"vv":{"a":7},"records":[record…],"next":{"collection":"projects","row":"p1"},"more":true}`:
/// one page of the snapshot at `horizon` (``SyncModel/SnapshotPage``); `records` are the
/// snapshot's record objects byte for byte (``SyncModel/SnapshotRecord``), `next` is the key to
/// send as the next `after` (`null` before the first record), `more` whether records follow.
///
/// Read and written by ``WireDecoder`` and ``WireEncoder``: the records pass through as the
/// bytes the daemon stored.
public struct SnapshotPageReply: Hashable, Sendable {
    public var id: Int64
    public var page: SnapshotPage

    public init(id: Int64, page: SnapshotPage) {
        self.id = id
        self.page = page
    }
}
