/// An own op as its JSON text (``OpJSON``), ready to go into a `push`: the form the outbox keeps,
/// so a sync sends it without decoding and encoding it again.
///
/// ```swift
/// let encoded = try EncodedOp(op)        // seq 7, json {"collection":"projects",…}
/// WireEncoder.pushLine(id: 1, ops: [encoded])
/// ```
public struct EncodedOp: Sendable, Hashable {
    /// The op's seq (its dot's counter), which orders the outbox.
    public let seq: UInt64
    /// One JSON object, UTF-8, without a line break outside strings or inside them (JSON escapes
    /// those), so it can sit inside one line of the wire.
    public let json: [UInt8]

    /// Text already written by ``OpJSON/encode(_:)-(Op)`` for the op with `seq`.
    public init(seq: UInt64, json: [UInt8]) {
        self.seq = seq
        self.json = json
    }

    /// Encodes `op`. Throws ``NonFiniteNumber`` for a real that is NaN or infinite.
    public init(_ op: Op) throws(NonFiniteNumber) {
        self.init(seq: op.seq, json: try OpJSON.encode(op))
    }
}
