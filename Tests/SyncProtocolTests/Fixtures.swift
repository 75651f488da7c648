import TestSupport
import Foundation
import NIOCore
import SyncModel
@testable import SyncProtocol

/// Ops and lines shared by the tests.
enum Fixture {
    static let hlc = HLCTimestamp(raw: 0x0190_0000_0000_0000)

    static func op(seq: UInt64, node: String = "sales-laptop", field: String = "name", value: Value = .text("Launch"), replaces: [Dot] = []) -> Op {
        Op(collection: "projects", row: "p1", field: field, kind: .set, node: node, seq: seq, hlc: hlc, value: value, replaces: replaces)
    }

    static func buffer(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    /// The JSON text of an op as a client would write it, members in sorted order (a plain
    /// `JSONEncoder` orders them differently from run to run, which texts edited by tests cannot have).
    static func opJSON(_ op: Op) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(op)) ?? Data(), as: UTF8.self)
    }

    static func decode(_ text: String) -> Result<ClientMessage, WireError> {
        Result { () throws(WireError) -> ClientMessage in try WireDecoder.clientMessage(from: Data(text.utf8)) }
    }

    static func code(_ text: String) -> ErrorCode? {
        if case .failure(let e) = decode(text) { return e.code }
        return nil
    }
}
