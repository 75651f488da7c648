/// Constants of the wire protocol (protocol/PROTOCOL.md).
public enum WireProtocol {
    /// The protocol version this package speaks, sent in `hello.protocol` and `welcome.protocol`.
    public static let version = 1
    /// Largest magnitude of any JSON number on the wire: 2^53, so every number is exact in a double.
    public static let maxInteger: Int64 = 1 << 53
    /// Default maximum line length in bytes, terminator excluded: 16 MiB.
    public static let defaultMaxLineBytes = 16 * 1024 * 1024
}
