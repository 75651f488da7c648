/// Outbound user events that change how a connection's lines travel, sent by the handler that
/// drives a session when the session says so (``ServerSession/Action/inflateInput(_:)``,
/// ``ServerSession/Action/deflateOutput(_:)``, ``ClientSession/compression``).
///
/// ```swift
/// context.triggerUserOutboundEvent(LineStreamSwitch.output(.deflate), promise: nil)
/// ```
public enum LineStreamSwitch: Hashable, Sendable {
    /// For ``LineReader``: the bytes after the line it delivered last are `compression`; nil:
    /// they stay plain (this only releases a reader that holds after its first line).
    case input(WireCompression?)
    /// For ``LineWriter``: every line written from now on goes out in `compression`.
    case output(WireCompression)
}
