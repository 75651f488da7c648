import Foundation
import NIOCore
import SyncModel

/// Turns messages into lines: compact JSON with sorted keys and unescaped slashes, then `\n`.
///
/// Encoding fails only for values JSON cannot hold (a non-finite real), which validated ops never carry.
public enum WireEncoder {
    /// One server line, `\n` included.
    public static func line(_ message: ServerMessage) throws -> ByteBuffer {
        try line(encoding: message)
    }

    /// One client line, `\n` included.
    public static func line(_ message: ClientMessage) throws -> ByteBuffer {
        try line(encoding: message)
    }

    /// The JSON array of `ops`, to share between the `changes` lines of several subscribers.
    public static func encodedOps(_ ops: [Op]) throws -> ByteBuffer {
        ByteBuffer(bytes: try encoder().encode(ops))
    }

    /// A `changes` line around ops already encoded by ``encodedOps(_:)``; byte for byte what
    /// ``line(_:)-(ServerMessage)`` makes of the same `changes`.
    public static func changesLine(id: Int64, next: UInt64, more: Bool, encodedOps: ByteBuffer) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(encodedOps.readableBytes + 96)
        out.writeString("{\"id\":\(id),\"more\":\(more),\"next\":\(next),\"ops\":")
        out.writeImmutableBuffer(encodedOps)
        out.writeString(",\"type\":\"changes\"}\n")
        return out
    }

    private static func line(encoding value: some Encodable) throws -> ByteBuffer {
        var out = ByteBuffer(bytes: try encoder().encode(value))
        out.writeInteger(UInt8(ascii: "\n"))
        return out
    }

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
