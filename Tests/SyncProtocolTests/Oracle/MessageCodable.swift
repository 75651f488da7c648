import Foundation
import SyncModel
import TestSupport
@testable import SyncProtocol

// The Foundation Codable forms of the wire messages: the oracle the hand-written codec
// (WireDecoder, WireEncoder, ServerLineReader) is checked against, kept out of the product so
// that it decodes each message one way. Client lines go through the same message rules
// (`ClientMessage.read`) with members read by Foundation's decoder (CodableMembers).

/// A JSON object key of any name.
struct AnyKey: CodingKey, Hashable {
    let stringValue: String
    let intValue: Int?

    init(_ name: String) {
        stringValue = name
        intValue = nil
    }

    init?(stringValue: String) { self.init(stringValue) }

    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// ``MessageMembers`` from a Foundation decoder's container: what `ClientMessage: Codable` reads.
struct CodableMembers: MessageMembers {
    let container: KeyedDecodingContainer<AnyKey>

    func contains(_ name: String) -> Bool { container.contains(AnyKey(name)) }

    func isNull(_ name: String) -> Bool { (try? container.decodeNil(forKey: AnyKey(name))) == true }

    func string(_ name: String) -> String? { try? container.decode(String.self, forKey: AnyKey(name)) }

    func int64(_ name: String) -> Int64? { try? container.decode(Int64.self, forKey: AnyKey(name)) }

    func strings(_ name: String) -> [String]? { try? container.decode([String].self, forKey: AnyKey(name)) }

    func snapshotKey(_ name: String) -> SnapshotKey? {
        guard let object = try? container.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey(name)),
              let collection = try? object.decode(String.self, forKey: AnyKey("collection")),
              let row = try? object.decode(String.self, forKey: AnyKey("row")) else { return nil }
        return SnapshotKey(collection: collection, row: row)
    }

    func ops(_ name: String) throws(JSONReadError) -> [Op] {
        do {
            return try container.decode([Op].self, forKey: AnyKey(name))
        } catch let error as DecodingError {
            throw CodableMembers.readError(error, below: container.codingPath.count + 1)
        } catch {
            throw JSONReadError(.invalid, "\(error)")
        }
    }

    /// A `DecodingError` as the ``JSONReadError`` the wire reader gives for the same failure,
    /// its path cut to what lies below the first `depth` keys.
    static func readError(_ error: DecodingError, below depth: Int) -> JSONReadError {
        func path(_ keys: [any CodingKey]) -> [JSONReadError.PathComponent] {
            keys.dropFirst(depth).map { key in key.intValue.map(JSONReadError.PathComponent.index) ?? .key(key.stringValue) }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return JSONReadError(.missing, context.debugDescription, path: path(context.codingPath + [key]))
        case .typeMismatch(_, let context):
            return JSONReadError(.wrongType, context.debugDescription.isEmpty ? "wrong type" : context.debugDescription, path: path(context.codingPath))
        case .valueNotFound(_, let context):
            return JSONReadError(.null, context.debugDescription.isEmpty ? "wrong type" : context.debugDescription, path: path(context.codingPath))
        case .dataCorrupted(let context):
            return JSONReadError(.invalid, context.debugDescription.isEmpty ? "wrong type" : context.debugDescription, path: path(context.codingPath))
        @unknown default:
            return JSONReadError(.invalid, "\(error)")
        }
    }
}

extension ClientMessage: Codable {
    /// Decodes and classifies failures; every error thrown is a ``WireError`` (see ``MemberReader``).
    public init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<AnyKey>
        do { container = try decoder.container(keyedBy: AnyKey.self) } catch {
            throw WireError(.badJSON, "expected a JSON object")
        }
        self = try ClientMessage.read(CodableMembers(container: container))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .hello(let m): try m.encode(to: encoder)
        case .push(let m): try m.encode(to: encoder)
        case .pull(let m): try m.encode(to: encoder)
        case .subscribe(let m): try m.encode(to: encoder)
        case .ping(let m): try m.encode(to: encoder)
        case .stateHash(let m): try m.encode(to: encoder)
        case .snapshot(let m): try m.encode(to: encoder)
        }
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(type, forKey: AnyKey("type"))
    }
}

extension ServerMessage: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        let type = try c.decode(String.self, forKey: AnyKey("type"))
        switch type {
        case "welcome": self = .welcome(try Welcome(from: decoder))
        case "ack": self = .ack(try Ack(from: decoder))
        case "changes": self = .changes(try Changes(from: decoder))
        case "pong": self = .pong(try Pong(from: decoder))
        case "hash": self = .hash(try HashReply(from: decoder))
        case "error": self = .error(try ErrorReply(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(forKey: AnyKey("type"), in: c, debugDescription: "unknown server message type \"\(type.prefix(40))\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .welcome(let m): try m.encode(to: encoder)
        case .ack(let m): try m.encode(to: encoder)
        case .changes(let m): try m.encode(to: encoder)
        case .pong(let m): try m.encode(to: encoder)
        case .hash(let m): try m.encode(to: encoder)
        case .error(let m): try m.encode(to: encoder)
        case .snapshotPage:
            // Its records pass through as stored bytes, which Foundation's coders cannot carry.
            throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath, debugDescription: "snapshot_page has no oracle form"))
        }
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(type, forKey: AnyKey("type"))
    }
}

// Ops have no Codable form in the product (TestSupport's OpCodable is the oracle), so the
// messages that carry them get theirs here.
extension Push: Encodable {
    enum OracleKeys: String, CodingKey { case id, ops }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: OracleKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(ops, forKey: .ops)
    }
}

extension Changes: Codable {
    enum OracleKeys: String, CodingKey { case id, ops, next, more }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: OracleKeys.self)
        self.init(id: try c.decode(Int64.self, forKey: .id), ops: try c.decode([Op].self, forKey: .ops),
                  next: try c.decode(UInt64.self, forKey: .next), more: try c.decode(Bool.self, forKey: .more))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: OracleKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(ops, forKey: .ops)
        try c.encode(next, forKey: .next)
        try c.encode(more, forKey: .more)
    }
}

extension ErrorReply: Decodable {
    /// See ``init(id:rawCode:message:fatal:)``: unknown codes decode as `internal`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.decodeIfPresent(Int64.self, forKey: .id)
        let raw = try c.decode(String.self, forKey: .code)
        let text = try c.decode(String.self, forKey: .message)
        self.init(id: id, rawCode: raw, message: text, fatal: try c.decode(Bool.self, forKey: .fatal),
                  horizon: try c.decodeIfPresent(UInt64.self, forKey: .horizon))
    }
}
