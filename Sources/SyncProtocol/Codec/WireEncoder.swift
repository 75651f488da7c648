import NIOCore
import SyncModel

/// Turns messages into lines: compact JSON with sorted keys and unescaped slashes, then `\n`,
/// written by hand (``SyncModel/JSONOutput``, ``SyncModel/OpJSON``) byte for byte as the
/// messages' `Encodable` conformances make `JSONEncoder` write them.
///
/// Encoding fails only for values JSON cannot hold (a non-finite real), which validated ops never carry.
public enum WireEncoder {
    /// One server line, `\n` included.
    public static func line(_ message: ServerMessage) throws -> ByteBuffer {
        var out = JSONOutput(capacity: 128)
        switch message {
        case .welcome(let m):
            out.raw("{")
            if let compression = m.compression {
                out.raw("\"compression\":")
                out.string(compression.rawValue)
                out.raw(",")
            }
            out.raw("\"department\":")
            out.string(m.department)
            out.raw(",\"head\":")
            out.unsigned(m.head)
            out.raw(",\"protocol\":")
            out.integer(Int64(m.protocol))
            if let rules = m.rules {
                out.raw(",\"rules\":")
                AccessRules(rules.entries).writeJSON(to: &out, version: rules.version)
            }
            out.raw(",\"server\":")
            out.string(m.server)
            out.raw(",\"time\":")
            out.hlc(m.time)
            out.raw(",\"type\":\"welcome\"}\n")
        case .ack(let m):
            out.raw("{\"accepted\":")
            out.integer(Int64(m.accepted))
            out.raw(",\"duplicates\":")
            out.integer(Int64(m.duplicates))
            out.raw(",\"head\":")
            out.unsigned(m.head)
            out.raw(",\"id\":")
            out.integer(m.id)
            out.raw(",\"type\":\"ack\"}\n")
        case .changes(let m):
            return changesLine(id: m.id, next: m.next, more: m.more, encodedOps: try encodedOps(m.ops))
        case .pong(let m):
            out.raw("{\"id\":")
            out.integer(m.id)
            out.raw(",\"type\":\"pong\"}\n")
        case .error(let m):
            out.raw("{\"code\":")
            out.string(m.code.rawValue)
            out.raw(",\"fatal\":")
            out.bool(m.fatal)
            if let id = m.id {
                out.raw(",\"id\":")
                out.integer(id)
            }
            out.raw(",\"message\":")
            out.string(m.message)
            out.raw(",\"type\":\"error\"}\n")
        }
        return ByteBuffer(bytes: out.bytes)
    }

    /// One client line, `\n` included.
    public static func line(_ message: ClientMessage) throws -> ByteBuffer {
        var out = JSONOutput(capacity: 128)
        switch message {
        case .hello(let m):
            out.raw("{")
            if let compression = m.compression {
                out.raw("\"compression\":[")
                for (i, name) in compression.enumerated() {
                    if i > 0 { out.raw(",") }
                    out.string(name)
                }
                out.raw("],")
            }
            out.raw("\"node\":")
            out.string(m.node)
            out.raw(",\"protocol\":")
            out.integer(Int64(m.protocol))
            out.raw(",\"schema\":")
            out.integer(Int64(m.schema))
            out.raw(",\"token\":")
            out.string(m.token)
            out.raw(",\"type\":\"hello\"}\n")
        case .push(let m):
            out = JSONOutput(capacity: 64 + m.ops.count * 256)
            out.raw("{\"id\":")
            out.integer(m.id)
            out.raw(",\"ops\":")
            try OpJSON.encodeArray(m.ops, into: &out)
            out.raw(",\"type\":\"push\"}\n")
        case .pull(let m):
            out.raw("{\"id\":")
            out.integer(m.id)
            if let limit = m.limit {
                out.raw(",\"limit\":")
                out.integer(Int64(limit))
            }
            out.raw(",\"since\":")
            out.unsigned(m.since)
            out.raw(",\"type\":\"pull\"}\n")
        case .subscribe(let m):
            out.raw("{\"id\":")
            out.integer(m.id)
            out.raw(",\"since\":")
            out.unsigned(m.since)
            out.raw(",\"type\":\"subscribe\"}\n")
        case .ping(let m):
            out.raw("{\"id\":")
            out.integer(m.id)
            out.raw(",\"type\":\"ping\"}\n")
        }
        return ByteBuffer(bytes: out.bytes)
    }

    /// A `push` line of ops encoded already (an outbox's ``SyncModel/EncodedOp``s); byte for byte
    /// what ``line(_:)-(ClientMessage)`` makes of the same push.
    public static func pushLine(id: Int64, ops: some Collection<EncodedOp>) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(64 + ops.reduce(0) { $0 + $1.json.count + 1 })
        var head = JSONOutput(capacity: 32)
        head.raw("{\"id\":")
        head.integer(id)
        head.raw(",\"ops\":[")
        out.writeBytes(head.bytes)
        var first = true
        for op in ops {
            if !first { out.writeInteger(UInt8(ascii: ",")) }
            first = false
            out.writeBytes(op.json)
        }
        out.writeString("],\"type\":\"push\"}\n")
        return out
    }

    /// The JSON array of `ops`, to share between the `changes` lines of several subscribers.
    public static func encodedOps(_ ops: some Collection<Op>) throws -> ByteBuffer {
        ByteBuffer(bytes: try OpJSON.encode(ops))
    }

    /// The `changes` line of a page answering (or streamed to) request `id`.
    public static func changesLine(id: Int64, page: EncodedPage) -> ByteBuffer {
        changesLine(id: id, next: page.next, more: page.more, encodedOps: page.json)
    }

    /// A `changes` line around ops already encoded by ``encodedOps(_:)``; byte for byte what
    /// ``line(_:)-(ServerMessage)`` makes of the same `changes`.
    public static func changesLine(id: Int64, next: UInt64, more: Bool, encodedOps: ByteBuffer) -> ByteBuffer {
        var head = JSONOutput(capacity: 64)
        head.raw("{\"id\":")
        head.integer(id)
        head.raw(",\"more\":")
        head.bool(more)
        head.raw(",\"next\":")
        head.unsigned(next)
        head.raw(",\"ops\":")
        var out = ByteBuffer()
        out.reserveCapacity(head.bytes.count + encodedOps.readableBytes + 20)
        out.writeBytes(head.bytes)
        out.writeImmutableBuffer(encodedOps)
        out.writeString(",\"type\":\"changes\"}\n")
        return out
    }
}
