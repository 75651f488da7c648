/// Constants of the wire protocol (protocol/PROTOCOL.md).
public enum WireProtocol {
    /// The protocol version this package speaks, sent in `hello.protocol` and `welcome.protocol`.
    public static let version = 1
    /// Largest magnitude of any JSON number on the wire: 2^53, so every number is exact in a double.
    public static let maxInteger: Int64 = 1 << 53
    /// Default maximum line length in bytes, terminator excluded: 16 MiB.
    public static let defaultMaxLineBytes = 16 * 1024 * 1024
    /// The longest push line a client writes: 4 MiB (a quarter of the default line limit; one op
    /// of 64 KiB of text takes at most about 400 KB). A server's line limit must be at least this,
    /// or a client's full push would be refused with `line_too_long` on every retry.
    public static let maxPushLineBytes = 4 * 1024 * 1024
    /// `pull.limit` when the client sends none: 1,000 ops.
    public static let defaultPullLimit = 1_000
    /// The largest `pull.limit` the server honours, and the size of a subscription's catch-up pages: 10,000 ops.
    public static let maxPullLimit = 10_000
    /// Most ops in one push: 10,000 (more gets `too_many_ops`).
    public static let maxOpsPerPush = 10_000
}
