import NIOCore
import SyncModel

/// Turns messages into lines: compact JSON with sorted keys and unescaped slashes, then `\n`,
/// written by hand (``SyncModel/JSONOutput``, ``SyncModel/OpJSON``) byte for byte as `JSONEncoder`
/// writes the messages' Codable forms (the tests' oracle), but for JSONOutput's `\u0008`, `\u000c`.
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
        case .hash(let m):
            out.raw("{\"hash\":")
            out.string(m.hash)
            out.raw(",\"head\":")
            out.unsigned(m.head)
            out.raw(",\"id\":")
            out.integer(m.id)
            out.raw(",\"type\":\"hash\"}\n")
        case .error(let m):
            out.raw("{\"code\":")
            out.string(m.code.rawValue)
            out.raw(",\"fatal\":")
            out.bool(m.fatal)
            if let horizon = m.horizon {
                out.raw(",\"horizon\":")
                out.unsigned(horizon)
            }
            if let id = m.id {
                out.raw(",\"id\":")
                out.integer(id)
            }
            out.raw(",\"message\":")
            out.string(m.message)
            out.raw(",\"type\":\"error\"}\n")
        case .snapshotPage(let m):
            return snapshotPageLine(id: m.id, page: m.page)
        }
        return ByteBuffer(bytes: out.bytes)
    }

    /// The `snapshot_page` line answering request `id`: the records pass as their stored bytes.
    public static func snapshotPageLine(id: Int64, page: SnapshotPage) -> ByteBuffer {
        var out = JSONOutput(capacity: 96 + page.records.reduce(0) { $0 + $1.count + 1 })
        out.raw("{\"horizon\":")
        out.unsigned(page.horizon)
        out.raw(",\"id\":")
        out.integer(id)
        out.raw(",\"more\":")
        out.bool(page.more)
        out.raw(",\"next\":")
        if let next = page.next { key(next, into: &out) } else { out.raw("null") }
        out.raw(",\"records\":[")
        for (i, record) in page.records.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.bytes.append(contentsOf: record)
        }
        out.raw("],\"type\":\"snapshot_page\",\"vv\":")
        SnapshotRecord.versionVector(page.versionVector, into: &out)
        out.raw("}\n")
        return ByteBuffer(bytes: out.bytes)
    }

    /// `{"collection":…,"row":…}`.
    static func key(_ key: SnapshotKey, into out: inout JSONOutput) {
        out.raw("{\"collection\":")
        out.string(key.collection)
        out.raw(",\"row\":")
        out.string(key.row)
        out.byte(UInt8(ascii: "}"))
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
            if let sentThrough = m.sentThrough {
                out.raw(",\"sent_through\":")
                out.integer(Int64(clamping: sentThrough))
            }
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
        case .stateHash(let m):
            out.raw("{\"id\":")
            out.integer(m.id)
            out.raw(",\"type\":\"state_hash\"}\n")
        case .snapshot(let m):
            out.byte(UInt8(ascii: "{"))
            if let after = m.after {
                out.raw("\"after\":")
                key(after, into: &out)
                out.byte(UInt8(ascii: ","))
            }
            if let horizon = m.horizon {
                out.raw("\"horizon\":")
                out.unsigned(horizon)
                out.byte(UInt8(ascii: ","))
            }
            out.raw("\"id\":")
            out.integer(m.id)
            if let limit = m.limit {
                out.raw(",\"limit\":")
                out.integer(Int64(limit))
            }
            out.raw(",\"type\":\"snapshot\"}\n")
        }
        return ByteBuffer(bytes: out.bytes)
    }

    /// A `push` line of ops encoded already (an outbox's ``SyncModel/EncodedOp``s); byte for byte
    /// what ``line(_:)-(ClientMessage)`` makes of the same push.
    public static func pushLine(id: Int64, ops: some Collection<EncodedOp>, sentThrough: UInt64? = nil) -> ByteBuffer {
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
        if let sentThrough {
            out.writeString("],\"sent_through\":\(Int64(clamping: sentThrough)),\"type\":\"push\"}\n")
        } else {
            out.writeString("],\"type\":\"push\"}\n")
        }
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
