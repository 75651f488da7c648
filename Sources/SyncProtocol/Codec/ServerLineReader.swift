import SyncModel

/// Reads a server line with ``LineMembers``: every member required except `error.id`; an unknown
/// error code reads as `internal`. The one server-line decoder of the product (the tests check
/// it against a Foundation `Decodable` oracle).
enum ServerLineReader {
    static func message(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONReadError) -> ServerMessage {
        guard var m = LineMembers(try JSONReader(validating: bytes)) else { throw JSONReadError(.wrongType, "expected a JSON object") }
        let type = try required("type", m.string("type"))
        switch type {
        case "welcome":
            let timeText = try required("time", m.string("time"))
            guard let time = HLCTimestamp(parsing: timeText) else { throw JSONReadError(.invalid, "invalid hlc \"\(timeText.prefix(80))\"", path: [.key("time")]) }
            return .welcome(Welcome(protocol: Int(try required("protocol", m.int64("protocol"))), server: try required("server", m.string("server")),
                                    department: try required("department", m.string("department")), time: time,
                                    head: try required("head", m.uint64("head")), rules: try m.rules("rules"),
                                    compression: try compression(&m)))
        case "ack":
            return .ack(Ack(id: try required("id", m.int64("id")), accepted: Int(try required("accepted", m.int64("accepted"))),
                            duplicates: Int(try required("duplicates", m.int64("duplicates"))), head: try required("head", m.uint64("head"))))
        case "changes":
            let id = try required("id", m.int64("id"))
            guard m.contains("ops") else { throw JSONReadError(.missing, "\"ops\" is required", path: [.key("ops")]) }
            let ops: [Op]
            do throws(JSONReadError) { ops = try m.ops("ops") } catch { throw error.under(.key("ops")) }
            return .changes(Changes(id: id, ops: ops, next: try required("next", m.uint64("next")), more: try required("more", m.bool("more"))))
        case "pong":
            return .pong(Pong(id: try required("id", m.int64("id"))))
        case "hash":
            return .hash(HashReply(id: try required("id", m.int64("id")), hash: try required("hash", m.string("hash")),
                                   head: try required("head", m.uint64("head"))))
        case "error":
            let id: Int64? = m.contains("id") && !m.isNull("id") ? try required("id", m.int64("id")) : nil
            let horizon: UInt64? = m.contains("horizon") && !m.isNull("horizon") ? try required("horizon", m.uint64("horizon")) : nil
            return .error(ErrorReply(id: id, rawCode: try required("code", m.string("code")), message: try required("message", m.string("message")),
                                     fatal: try required("fatal", m.bool("fatal")), horizon: horizon))
        case "snapshot_page":
            let id = try required("id", m.int64("id"))
            let horizon = try required("horizon", m.uint64("horizon"))
            let vv = try m.versionVector("vv")
            let records = try m.rawObjects("records")
            let next: SnapshotKey? = m.isNull("next") ? nil : try required("next", m.snapshotKey("next"))
            let page = SnapshotPage(horizon: horizon, versionVector: vv, records: records, next: next, more: try required("more", m.bool("more")))
            return .snapshotPage(SnapshotPageReply(id: id, page: page))
        default:
            throw JSONReadError(.invalid, "unknown server message type \"\(type.prefix(40))\"", path: [.key("type")])
        }
    }

    /// `welcome.compression`: nil when absent or `null`; a name this version does not know is
    /// an error (the client offered only names it knows).
    private static func compression(_ m: inout LineMembers) throws(JSONReadError) -> WireCompression? {
        guard m.contains("compression"), !m.isNull("compression") else { return nil }
        let name = try required("compression", m.string("compression"))
        guard let known = WireCompression(rawValue: name) else {
            throw JSONReadError(.invalid, "unknown compression \"\(name.prefix(40))\"", path: [.key("compression")])
        }
        return known
    }

    private static func required<T>(_ name: String, _ value: T?) throws(JSONReadError) -> T {
        guard let value else { throw JSONReadError(.invalid, "\"\(name)\" is absent or of the wrong type", path: [.key(name)]) }
        return value
    }
}
