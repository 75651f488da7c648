import Foundation
import NIOCore
import SyncModel

/// Turns one received line (terminator removed) into a message.
public enum WireDecoder {
    /// Decodes a client line, classifying every failure as the ``WireError`` to answer with:
    /// invalid UTF-8, a syntax error, nesting too deep or a non-object → `bad_json`; no or unknown
    /// `type` → `unknown_type`; then see ``ClientMessage/init(from:)``.
    public static func clientMessage(from line: ByteBuffer) throws(WireError) -> ClientMessage {
        try clientMessage(from: Data(line.readableBytesView))
    }

    /// See ``clientMessage(from:)-(ByteBuffer)``.
    public static func clientMessage(from data: Data) throws(WireError) -> ClientMessage {
        guard isValidUTF8(data) else { throw WireError(.badJSON, "the line is not valid UTF-8") }
        do {
            return try JSONDecoder().decode(ClientMessage.self, from: data)
        } catch let error as WireError {
            throw error
        } catch let DecodingError.dataCorrupted(context) {
            let reason = (context.underlyingError.map { "\($0)" } ?? context.debugDescription).prefix(200)
            throw WireError(.badJSON, "the line is not JSON: \(reason)")
        } catch {
            throw WireError(.badJSON, "the line is not a JSON object")
        }
    }

    /// Decodes a server line; throws `DecodingError` (the client treats it as a protocol violation).
    public static func serverMessage(from line: ByteBuffer) throws -> ServerMessage {
        try JSONDecoder().decode(ServerMessage.self, from: Data(line.readableBytesView))
    }

    /// Whether `data` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or values above U+10FFFF).
    public static func isValidUTF8(_ data: Data) -> Bool {
        if data.allSatisfy({ $0 < 0x80 }) { return true }
        var iterator = data.makeIterator()
        var utf8 = UTF8()
        while true {
            switch utf8.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Whether the line holds only spaces, tabs and carriage returns; such lines are ignored.
    public static func isBlank(_ line: ByteBuffer) -> Bool {
        line.readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
