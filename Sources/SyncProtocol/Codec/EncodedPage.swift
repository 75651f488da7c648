import NIOCore

/// A page of ops already written as one JSON array, with the `next` and `more` of the `changes`
/// that carries it: the daemon encodes committed ops once and sends the same bytes to every pull
/// and subscriber (``WireEncoder/changesLine(id:page:)``).
public struct EncodedPage: Hashable, Sendable {
    /// `[op,op,…]`, as ``WireEncoder/encodedOps(_:)`` writes it.
    public var json: ByteBuffer
    /// How many ops the array holds.
    public var count: Int
    /// The position of the last op, or the request's `since` when there is none.
    public var next: UInt64
    /// Whether the log held ops after `next` when the page was read.
    public var more: Bool

    public init(json: ByteBuffer, count: Int, next: UInt64, more: Bool) {
        self.json = json
        self.count = count
        self.next = next
        self.more = more
    }
}
