/// The `code` of an `error` reply (protocol/PROTOCOL.md, "Error codes").
///
/// Whether the connection stays open is carried by the reply's `fatal` member, not by the code:
/// for example `bad_json` before `hello` is fatal, after `welcome` it is not.
public enum ErrorCode: String, Codable, Sendable, CaseIterable {
    /// The line is not a JSON object in UTF-8 (syntax error, invalid UTF-8, nesting too deep).
    case badJSON = "bad_json"
    /// The line is longer than the server's limit; always fatal.
    case lineTooLong = "line_too_long"
    /// The object has no `type`, or a `type` the server does not know.
    case unknownType = "unknown_type"
    /// A required member is absent (the message names it, e.g. `push.ops[2].hlc`).
    case missingField = "missing_field"
    /// A member outside `ops` has the wrong JSON type or is out of range, or the request is not
    /// allowed now (a second `hello` or `subscribe`).
    case badRequest = "bad_request"
    /// `hello.protocol` is not a version the server speaks, or `hello.schema` is newer than the server's.
    case protocolVersion = "protocol_version"
    /// The negotiated compressed stream (`welcome.compression`) does not inflate: corrupt data,
    /// or bytes after the end of the stream; always fatal. (A line that inflates to more than the
    /// limit is `line_too_long`.)
    case badCompression = "bad_compression"
    /// A request came before `hello`.
    case authRequired = "auth_required"
    /// The token is unknown or revoked.
    case authFailed = "auth_failed"
    /// An op is malformed or refused by the schema, made by another node, or names a dot the server lacks.
    case invalidOp = "invalid_op"
    /// An op's seq is not its node's last seq + 1.
    case seqGap = "seq_gap"
    /// A dot already in the log arrived with other content: a copied replica file.
    case duplicateDot = "duplicate_dot"
    /// An op's HLC is further ahead of the server's clock than the allowed skew.
    case clockSkew = "clock_skew"
    /// The pushing department may not write an op of the push (access rules); nothing was
    /// stored. The message names the op's index, dot, collection, field and the rule. Not fatal.
    case forbidden = "forbidden"
    /// A `pull`, `subscribe` or `snapshot` reaches behind the log's horizon: the ops it asks for
    /// were compacted into a snapshot (or the snapshot being paged was replaced). The reply's
    /// `horizon` names the snapshot to take (`snapshot` requests), then pull from it. Not fatal.
    case snapshotRequired = "snapshot_required"
    /// A push carries more ops than the server's limit.
    case tooManyOps = "too_many_ops"
    /// The server already holds its maximum number of connections.
    case tooManyConnections = "too_many_connections"
    /// No line arrived within the idle timeout.
    case idleTimeout = "idle_timeout"
    /// The daemon is stopping; reconnect later.
    case shuttingDown = "shutting_down"
    /// The server failed (storage error); nothing was changed.
    case `internal` = "internal"
}
